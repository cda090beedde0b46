import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    include: ["app/**/*.test.ts", "scripts/**/*.test.ts", "tests/integration/**/*.test.ts"],
    // Files in one worker share the module graph and so one PGlite (see tests/db.ts).
    isolate: false,
    pool: "forks",
    testTimeout: 30_000,
    // The in-process servers' request log (one JSON line per request) would bury the report; warnings and errors still show.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
    hookTimeout: 60_000,
  },
});
