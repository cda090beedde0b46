/**
 * The database going away: the app answers 503 with a clear page (not a
 * 500 and not a stack trace) and recovers by itself when it comes back.
 * Needs a real server (a TCP proxy in front of it is cut and restored), so
 * it runs in the PostgreSQL suite.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, setDb, type Database } from "~/utils/db.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import { testDb, usingPostgres } from "../db";
import { Browser, startTestServer, type TestServer } from "../http";

describe.skipIf(!usingPostgres())("database outage", () => {
  let shared: Database;
  let proxied: Database;
  let proxy: net.Server;
  let sockets = new Set<net.Socket>();
  let server: TestServer;
  let port = 0;
  const target = new URL(process.env.DATABASE_URL ?? "postgres://localhost/x");

  function openProxy(): Promise<void> {
    return new Promise((resolve) => {
      proxy = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const end = () => { client.destroy(); upstream.destroy(); };
        client.on("error", end).on("close", end);
        upstream.on("error", end).on("close", end);
      });
      proxy.listen(port, "127.0.0.1", () => {
        port = (proxy.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }
  function cutProxy(): Promise<void> {
    for (const s of sockets) s.destroy();
    sockets = new Set();
    return new Promise((resolve) => proxy.close(() => resolve()));
  }

  beforeAll(async () => {
    shared = await testDb();
    await openProxy();
    const url = new URL(target);
    url.host = `127.0.0.1:${port}`;
    proxied = createPgDatabase(url.toString(), 2);
    setDb(proxied);
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
    setDb(shared);
    await proxied?.destroy().catch(() => {});
    if (proxy?.listening) await cutProxy();
  });

  it("shows a 503 page while the database is unreachable, and recovers when it returns", async () => {
    const org = await makeOrganisation(shared);
    const user = await makeUser(shared, { organisationId: org.id, roles: ["secretary"] });
    const browser = new Browser(server.base);
    await browser.login(user.email, user.password);
    expect((await browser.get("/members")).status).toBe(200);

    await cutProxy();
    const down = await browser.get("/members");
    expect(down.status).toBe(503);
    const html = await down.text();
    expect(html).toContain("The service is briefly unavailable");
    expect(html).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
    expect((await browser.get("/dashboard")).status).toBe(503);

    await openProxy();
    await new Promise((r) => setTimeout(r, 1100)); // the probe runs at most once a second
    await expect.poll(async () => (await browser.get("/members")).status, { timeout: 10_000, interval: 300 }).toBe(200);
  });
});
