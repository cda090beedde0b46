// per-file setup
