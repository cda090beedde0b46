/**
 * The HTTP server: Express in front of the Remix build. It owns the one
 * database handle (PGlite allows one process per data directory), runs the
 * migrations at start, and adds what every request needs: client IP,
 * CSP nonce, security headers and the same-origin check.
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Server } from "node:http";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { migrateToLatest } from "../db/migrate";
import { getDb } from "../app/utils/db.server";
import { env } from "../app/utils/env.server";
import { isSameOriginRequest, newNonce, securityHeaders } from "../app/utils/http.server";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function loadBuild(): Promise<ServerBuild> {
  return import(pathToFileURL(path.join(root, "build/index.js")).href);
}

export function createApp(build: ServerBuild, opts: { secure?: boolean } = {}) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use(compression());
  app.use((req, res, next) => {
    const nonce = newNonce();
    res.locals.cspNonce = nonce;
    for (const [k, v] of Object.entries(securityHeaders(nonce, !!opts.secure))) res.setHeader(k, v);
    // The IP used for log-in throttling comes from the socket, never from a client header.
    req.headers["x-client-ip"] = req.socket.remoteAddress ?? "unknown";
    const ownOrigin = `${req.protocol}://${req.get("host")}`;
    if (!isSameOriginRequest(req.method, req.path, req.headers, ownOrigin)) {
      res.status(403).type("text/plain").send("Refused: this request did not come from this site (cross-site request).");
      return;
    }
    next();
  });
  app.use("/build", express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, getLoadContext: (_req, res) => ({ cspNonce: res.locals.cspNonce }) }));
  return app;
}

export async function startServer(opts: { port?: number; quiet?: boolean } = {}): Promise<{ server: Server; port: number }> {
  const settings = env();
  const db = await getDb();
  await migrateToLatest(db);
  const build = await loadBuild();
  const app = createApp(build, { secure: settings.SECURE_COOKIES === "true" });
  const port = opts.port ?? settings.PORT;
  return new Promise((resolve) => {
    const server = app.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      if (!opts.quiet) console.log(`Co-op Register is serving at http://localhost:${actual}`);
      resolve({ server, port: actual });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  startServer().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
