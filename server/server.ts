/**
 * The HTTP server: Express in front of the Remix build. It owns the one
 * database handle (PGlite allows one process per data directory), runs the
 * migrations at start, and adds what every request needs: client IP,
 * CSP nonce, security headers and the same-origin check.
 */
import path from "node:path";
import { randomUUID } from "node:crypto";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { createRemixHeaders, sendRemixResponse } from "@remix-run/express/dist/server.js";
import { createReadableStreamFromReadable, createRequestHandler } from "@remix-run/node";
import { sql } from "kysely";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type { Logger } from "pino";
import { migrateToLatest } from "../db/migrate";
import { getDb } from "~/utils/db.server";
import { databaseUnavailable, probeDatabase } from "~/utils/db-health.server";
import { smtpSender } from "./mailer";
import { startScheduler } from "./scheduler";
import { env } from "~/utils/env.server";
import { BodyTooLargeError, clientAddress, bodyRefusal, checkRequestBody, closeAfterAnswer, isFormPost, isSameOriginRequest, newNonce, pathOf, readFormBody, requestBody, securityHeaders } from "~/utils/http.server";
import { ballotBox } from "./ballot-box";
import { servedOverHttps } from "~/web/session.server";
import { logger, requestStore, type RequestFields } from "~/utils/logger.server";
import { readiness } from "~/utils/health.server";
import { createMetrics, metricsAuthorised } from "~/utils/metrics.server";
import { backupSettings } from "~/utils/backups.server";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const buildDir = process.env.BUILD_DIR ?? "build";
const assetsDir = buildDir === "build" ? path.join(root, "public/build") : path.resolve(root, buildDir, "assets");

export async function loadBuild(): Promise<ServerBuild> {
  return import(pathToFileURL(path.resolve(root, buildDir, "index.js")).href);
}

/** Each request's CSP nonce, for the document Remix renders. */
const cspNonces = new WeakMap<IncomingMessage, string>();

/** Set when the server is stopping: /readyz answers 503 so a load balancer stops sending. */
let stopping = false;

interface RequestLine extends RequestFields {
  route?: string;
}

/**
 * The HTTP server (not yet listening). Every request first gets its CSP
 * nonce, the security headers, the client IP, the same-origin check and its
 * body's limit and content type; a ballot form's post then goes to the ballot box, which answers accepted
 * ballots itself (before Express and Remix: at a general meeting's vote they
 * are most of the traffic); everything else goes to Express and Remix.
 */
export function createHttpServer(build: ServerBuild, opts: { secure?: boolean; trustProxy?: number; log?: Logger; metricsToken?: string } = {}): Server {
  const app = createApp(build);
  const routeOf = routeMatcher(build);
  const metrics = opts.metricsToken ? createMetrics(getDb) : null;
  const store = requestStore();
  return createServer((req, res) => {
    // One JSON line per request, written when the response closes (see logRequest).
    const started = performance.now();
    const fields: RequestLine = { requestId: randomUUID() };
    res.setHeader("X-Request-Id", fields.requestId);
    res.once("close", () => logRequest(opts.log ?? logger(), req, res, fields, started, routeOf, metrics));
    if (req.url === "/healthz" || req.url === "/readyz") {
      fields.route = req.url;
      return void health(req.url, res);
    }
    if (metrics && req.url === "/metrics") {
      fields.route = "/metrics";
      if (!metricsAuthorised(req.headers.authorization, opts.metricsToken!)) {
        return void res.writeHead(401, { "Content-Type": "text/plain; charset=utf-8", "WWW-Authenticate": "Bearer" }).end("A metrics token is needed.");
      }
      return void metrics.registry.metrics().then(
        (text) => res.writeHead(200, { "Content-Type": metrics.registry.contentType, "Cache-Control": "no-store" }).end(text),
        (error: unknown) => sendError(res, error),
      );
    }
    const nonce = newNonce();
    cspNonces.set(req, nonce);
    for (const [k, v] of Object.entries(securityHeaders(nonce, !!opts.secure))) res.setHeader(k, v);
    // The address used for throttling: the socket's, or behind TRUST_PROXY proxies the one the outermost saw (never a header the client wrote).
    req.headers["x-client-ip"] = clientAddress(req, opts.trustProxy ?? 0);
    if (!isSameOriginRequest(req.method ?? "GET", pathOf(req.url), req.headers, ownOrigins(req, !!opts.secure))) {
      res.writeHead(403, { "Content-Type": "text/plain; charset=utf-8" }).end("Refused: this request did not come from this site (cross-site request).");
      return;
    }
    // Every body is held to its route's limit as it arrives (ADR 0011); a form route takes form posts only.
    const refused = checkRequestBody(req, res, pathOf(req.url));
    if (refused) return sendRefusal(req, res, refused.status, refused.message);
    ballotBox(req, res).then(
      (answered) => {
        if (answered) fields.route = req.url!.startsWith("/motions/") ? "/motions/:motionId" : "/elections/:electionId";
        else store.run(fields, () => app(req, res));
      },
      (error: unknown) => sendError(res, error, req),
    );
  });
}

/** The request's log line: ids and timings only (no path, query, cookie, email or token). */
function logRequest(
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  fields: RequestLine,
  started: number,
  routeOf: (pathname: string) => string,
  metrics: ReturnType<typeof createMetrics> | null,
) {
  const status = res.statusCode;
  const ms = performance.now() - started;
  const route = fields.route ?? routeOf(pathOf(req.url));
  metrics?.observe(route, req.method ?? "GET", status, ms / 1000);
  const line = {
    requestId: fields.requestId,
    method: req.method,
    route,
    status,
    durationMs: Math.round(ms * 10) / 10,
    organisationId: fields.organisationId,
    userId: fields.userId,
    ...(res.writableFinished ? {} : { aborted: true }),
  };
  if (fields.route === "/healthz" || fields.route === "/readyz") log.debug(line, "request");
  else if (status >= 500) log.error(line, "request");
  else log.info(line, "request");
}

/**
 * The route pattern a path matches ("/loans/:loanId"), for the log: a
 * path can hold a token (an invitation's, a calendar feed's), a pattern
 * cannot. Static files are "static".
 */
function routeMatcher(build: ServerBuild): (pathname: string) => string {
  type Node = AgnosticRouteObject & { id: string; children?: Node[] };
  const nodes = new Map<string, Node>();
  for (const r of Object.values(build.routes)) {
    nodes.set(r.id, (r.index ? { id: r.id, path: r.path, index: true } : { id: r.id, path: r.path, children: [] }) as Node);
  }
  const roots: Node[] = [];
  for (const r of Object.values(build.routes)) {
    const parent = r.parentId ? nodes.get(r.parentId) : undefined;
    if (parent && parent.children) parent.children.push(nodes.get(r.id)!);
    else roots.push(nodes.get(r.id)!);
  }
  return (pathname) => {
    if (pathname.startsWith("/build/") || /\.(css|js|ico|png|svg|woff2?|txt|webmanifest)$/.test(pathname)) return "static";
    const matches = matchRoutes(roots, pathname);
    if (!matches) return "unmatched";
    const pattern = matches.map((m) => m.route.path).filter(Boolean).join("/");
    return "/" + pattern.replace(/^\/+/, "");
  };
}

/** /healthz: the process answers. /readyz: the database answers and its migrations are current (and the server is not stopping). */
async function health(url: "/healthz" | "/readyz", res: ServerResponse) {
  const send = (status: number, body: unknown) =>
    res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(JSON.stringify(body));
  if (url === "/healthz") return send(200, { status: "ok" });
  if (stopping) return send(503, { ready: false, stopping: true });
  try {
    const state = await readiness(await getDb());
    send(state.ready ? 200 : 503, state);
  } catch {
    send(503, { ready: false, database: "unreachable" });
  }
}

/**
 * The origins this site's own pages post from: this server's address as the
 * browser reached it (the Host header), and behind HTTPS (TLS ends at the
 * proxy in front, so the socket here is plain http) the same host over https.
 * (Remix's own check, after this one, compares the Origin's host with Host.)
 */
function ownOrigins(req: IncomingMessage, secure: boolean): string[] {
  const own = `${(req.socket as TLSSocket).encrypted ? "https" : "http"}://${req.headers.host}`;
  return secure ? [own, `https://${req.headers.host}`] : [own];
}

/** Express in front of the Remix build: compression, static files, the Remix handler and the last-resort error page. */
function createApp(build: ServerBuild) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  // Remix reads the query string from the URL itself; Express need not parse it on every request.
  app.set("query parser", false);
  app.use(compression());
  app.use("/build", express.static(assetsDir, { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));
  const handle = createRequestHandler(build, process.env.NODE_ENV);
  app.all("*", async (req, res, next) => {
    try {
      if (databaseUnavailable() && !(await probeDatabase(async () => sql`select 1`.execute(await getDb())))) {
        return sendUnavailable(res);
      }
      const response = await handle(await remixRequest(req, res), { cspNonce: cspNonces.get(req) });
      // A body cut off at its limit fails whoever was reading it: the answer is the 413, whatever the route made of it.
      const tooLarge = bodyRefusal(req);
      if (tooLarge) return sendError(res, tooLarge, req);
      // A request that failed because the database went away gets the 503 page, not a 500.
      if (response.status >= 500 && databaseUnavailable()) return sendUnavailable(res);
      await sendRemixResponse(res, response);
    } catch (error) {
      next(error);
    }
  });
  app.use((error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => sendError(res, error, req));
  return app;
}

/** Last resort: never a stack trace to the browser; 503 when the database is the cause. */
function sendError(res: ServerResponse, error: unknown, req?: IncomingMessage) {
  const tooLarge = error instanceof BodyTooLargeError ? error : req && bodyRefusal(req);
  if (tooLarge && req && !res.headersSent) return sendRefusal(req, res, 413, tooLarge.message);
  if (databaseUnavailable()) return sendUnavailable(res);
  const requestId = String(res.getHeader("X-Request-Id") ?? "");
  logger().error({ err: error, requestId }, "request failed");
  if (res.headersSent) return res.destroy();
  res
    .writeHead(500, { "Content-Type": "text/plain; charset=utf-8" })
    .end(`Something went wrong. It has been logged; please try again.\nIf it happens again, quote this reference: ${requestId}`);
}

/*
 * The Fetch Request that Remix handles, made from Express's request. Like
 * @remix-run/express's, except that the body is counted against its limit
 * as it arrives, a form post (application/x-www-form-urlencoded) is read
 * whole (within its limit), once, and shared with the ballot box, and the host is the Host header alone ("trust proxy" is off).
 */
async function remixRequest(req: express.Request, res: express.Response): Promise<Request> {
  // Loaders and actions are aborted if the browser goes away before the response is sent.
  let controller: AbortController | null = new AbortController();
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers: createRemixHeaders(req.headers), signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    if (isFormPost(req)) {
      init.body = new Uint8Array(await readFormBody(req));
    } else {
      init.body = createReadableStreamFromReadable(requestBody(req));
      init.duplex = "half";
    }
  }
  return new Request(`${req.protocol}://${req.get("host") ?? "localhost"}${req.originalUrl}`, init);
}

/**
 * A request refused at the door (400 a NUL in its address, 413 too large, 415 not a form): a page with a way back for
 * a browser, the message alone for anything else. The connection is closed
 * once the answer is out, so the rest of a large body is not taken.
 */
function sendRefusal(req: IncomingMessage, res: ServerResponse, status: 400 | 413 | 415, message: string) {
  const title = status === 413 ? "Too large to accept" : status === 415 ? "Not a form this page takes" : "Not an address this site takes";
  const html = (req.headers.accept ?? "").includes("text/html");
  res.writeHead(status, { "Content-Type": `${html ? "text/html" : "text/plain"}; charset=utf-8`, Connection: "close" });
  closeAfterAnswer(req, res);
  if (!html) return res.end(message);
  res.end(
    `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Co-op Register</title></head>` +
      `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5"><h1>${title}</h1>` +
      `<p>${escapeHtml(message)} Nothing was saved.</p><p><a href="${escapeHtml(backLink(req))}">Go back to the page you came from</a></p></body></html>`,
  );
}

/** The page the request came from, when it is one of this site's (its path only), or the dashboard. */
function backLink(req: IncomingMessage): string {
  const referer = req.headers.referer;
  if (referer) {
    try {
      const from = new URL(referer);
      if (from.host === req.headers.host) return from.pathname + from.search;
    } catch {
      // Not a URL: fall through.
    }
  }
  const path = pathOf(req.url);
  return path.startsWith("/") && !path.startsWith("//") ? path : "/dashboard";
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendUnavailable(res: ServerResponse) {
  res
    .writeHead(503, { "Retry-After": "30", "Content-Type": "text/html; charset=utf-8" })
    .end(
      `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Briefly unavailable · Co-op Register</title></head>` +
        `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5"><h1>The service is briefly unavailable</h1>` +
        `<p>We cannot reach the database just now. Nothing you sent was half-saved. Please try again in a minute.</p></body></html>`,
    );
}

export async function startServer(opts: { port?: number; quiet?: boolean } = {}): Promise<{ server: Server; port: number }> {
  const settings = env();
  const log = logger();
  const db = await getDb();
  await migrateToLatest(db);
  const build = await loadBuild();
  const httpServer = createHttpServer(build, { secure: servedOverHttps(), trustProxy: settings.TRUST_PROXY, metricsToken: settings.METRICS_TOKEN });
  const port = opts.port ?? settings.PORT;
  if (!settings.SMTP_URL && settings.NODE_ENV === "production" && !opts.quiet) log.warn("SMTP_URL is not set: emails stay in the outbox and are not sent.");
  const scheduler = startScheduler(db, { log, send: settings.SMTP_URL ? smtpSender(settings.SMTP_URL, settings.MAIL_FROM) : null, backups: backupSettings(settings) });
  return new Promise((resolve) => {
    const server = httpServer.listen(port, settings.HOST, () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      if (!opts.quiet) log.info({ host: settings.HOST, port: actual }, `Co-op Register is serving at http://${settings.HOST === "0.0.0.0" ? "localhost" : settings.HOST}:${actual}`);
      resolve({ server, port: actual });
    });
    /*
     * Graceful stop (SIGTERM from systemd, docker stop, Kubernetes): stop
     * taking requests (/readyz says 503, the listener closes, idle keep-alive
     * connections end), let a job under way finish within
     * SHUTDOWN_GRACE_SECONDS or give it back to the queue at once, let
     * requests in flight finish within the same bound, then exit.
     */
    const graceMs = settings.SHUTDOWN_GRACE_SECONDS * 1000;
    const shutdown = async (signal: string) => {
      stopping = true;
      log.info({ signal, graceSeconds: settings.SHUTDOWN_GRACE_SECONDS }, "stopping");
      setTimeout(() => process.exit(1), graceMs + 5000).unref();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const job = await scheduler.drain(graceMs).catch((err) => {
        log.error({ err }, "job worker at shutdown");
        return "error";
      });
      if (job !== "idle") log.info({ job }, job === "released" ? "job under way given back to the queue" : "job under way finished");
      await Promise.race([closed, new Promise((r) => setTimeout(r, graceMs).unref())]);
      server.closeAllConnections();
      await Promise.race([db.destroy().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
      log.info("stopped");
      log.flush?.();
      process.exit(0);
    };
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
    process.once("SIGINT", () => void shutdown("SIGINT"));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  startServer().catch((error) => {
    // Start-up failures (a bad setting, no database) are for a person to read: plain text on stderr.
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
