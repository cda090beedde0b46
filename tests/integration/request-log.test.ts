import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, logger, setLogger } from "~/utils/logger.server";
import { createPgliteDatabase, getDb, setDb, type Database } from "~/utils/db.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import { Browser, startTestServer, type TestServer } from "../http";
import { testDb } from "../db";

/* The server's request log, captured: one JSON line per request. */
const written: string[] = [];
const capture = createLogger("info", { write: (line: string) => void written.push(line) });
let server: TestServer;
let org: Awaited<ReturnType<typeof makeOrganisation>>;
let secretary: Awaited<ReturnType<typeof makeUser>>;
/** A database with no tables: every query fails, as an unexpected error (not an outage). */
let broken: Database;

beforeAll(async () => {
  broken = await createPgliteDatabase();
  const db = await testDb();
  org = await makeOrganisation(db);
  secretary = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
  server = await startTestServer({ log: capture });
});
afterAll(async () => {
  await server?.close();
  await broken?.destroy();
});

/** The lines written for one request (by the id the response carries), once its response has closed. */
async function linesFor(res: Response) {
  const id = res.headers.get("x-request-id");
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  await res.arrayBuffer().catch(() => undefined);
  for (let i = 0; i < 50 && !written.some((l) => l.includes(id!)); i++) await new Promise((r) => setTimeout(r, 20));
  return written.filter((l) => l.includes(id!));
}

describe("request log", () => {
  it("writes one JSON line per request with method, route, status, duration, request id and the organisation and user ids", async () => {
    const b = new Browser(server.base);
    const login = await b.login(secretary.email, secretary.password);
    const token = b.cookie.split("=")[1];
    const loginLines = await linesFor(login);
    expect(loginLines).toHaveLength(1);
    const res = await b.get("/dashboard");
    expect(res.status).toBe(200);
    const lines = await linesFor(res);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({
      level: 30,
      msg: "request",
      method: "GET",
      route: "/dashboard",
      status: 200,
      requestId: res.headers.get("x-request-id"),
      organisationId: org.id,
      userId: secretary.id,
    });
    expect(typeof line.durationMs).toBe("number");
    // No personal data, no secrets: not the session token, the email or the password.
    for (const l of [...loginLines, ...lines]) {
      expect(l).not.toContain(token);
      expect(l).not.toContain(secretary.email);
      expect(l).not.toContain(secretary.password);
      expect(l.toLowerCase()).not.toContain("cookie");
    }
  });

  it("logs a route's pattern, never a path that holds a token, nor the query string", async () => {
    const secret = "tok_" + "x".repeat(40);
    const res = await fetch(`${server.base}/invitation/${secret}?email=someone%40example.org`);
    const [line] = await linesFor(res);
    expect(JSON.parse(line)).toMatchObject({ method: "GET", route: "/invitation/:token" });
    expect(line).not.toContain(secret);
    expect(line).not.toContain("someone");
  });

  it("an unexpected error: a 500 page showing the request id to quote, an error line with that id, the request line at error level", async () => {
    const ours = await getDb();
    const processLogger = logger();
    setDb(broken);
    setLogger(capture);
    let res: Response;
    try {
      res = await fetch(server.base + "/dashboard", { headers: { Cookie: "session=some-session-token" } });
    } finally {
      setDb(ours);
      setLogger(processLogger);
    }
    expect(res.status).toBe(500);
    const id = res.headers.get("x-request-id")!;
    const html = await res.text();
    expect(html).toContain(`Reference to quote: ${id}`);
    const lines = (await linesFor(res)).map((l) => JSON.parse(l));
    expect(lines.find((l) => l.msg === "request failed")).toMatchObject({ level: 50, requestId: id });
    expect(lines.find((l) => l.msg === "request")).toMatchObject({ level: 50, status: 500, route: "/dashboard", requestId: id });
    expect(JSON.stringify(lines)).not.toContain("some-session-token");
    // The failed statement's parameters (here the session token's hash) are not logged.
    expect(lines.find((l) => l.msg === "request failed").err.params).toBeUndefined();
  });

  it("logs nothing below LOG_LEVEL", () => {
    const quiet: string[] = [];
    const log = createLogger("warn", { write: (l: string) => void quiet.push(l) });
    log.info({ route: "/x" }, "request");
    log.warn("something to look at");
    expect(quiet).toHaveLength(1);
    expect(JSON.parse(quiet[0])).toMatchObject({ level: 40, msg: "something to look at" });
  });
});
