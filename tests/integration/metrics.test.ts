import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueJob } from "~/utils/jobs.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import { makeVoters, newOpenMotion, setUpMeeting } from "../../scripts/bench/governance";
import { testDb } from "../db";
import { startTestServer, type TestServer } from "../http";

const TOKEN = "metrics-token-for-the-test-0123456789";
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ metricsToken: TOKEN });
});
afterAll(async () => server?.close());

const scrape = (token?: string) => fetch(server.base + "/metrics", token ? { headers: { Authorization: `Bearer ${token}` } } : {});
const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);

describe("/metrics", () => {
  it("needs the token", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("wrong-token-wrong-token-wrong-token")).status).toBe(401);
  });

  it("counts requests by route pattern and reads the job queue's depth from the database", async () => {
    const db = await testDb();
    const org = await makeOrganisation(db);
    await enqueueJob(db, { organisationId: org.id, kind: "test.metrics", runAt: new Date(Date.now() + 3_600_000) });
    await fetch(server.base + "/healthz");
    await fetch(server.base + "/invitation/some-secret-token");
    await new Promise((r) => setTimeout(r, 50));
    const res = await scrape(TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(value(text, 'coop_http_requests_total{route="/healthz",method="GET",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'coop_http_requests_total{route="/invitation/:token",method="GET",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('coop_http_request_duration_seconds_bucket{le="0.005",route="/healthz"}');
    expect(text).not.toContain("some-secret-token");
    // At least ours, due in an hour (on the shared PostgreSQL database other files' jobs come and go).
    expect(value(text, 'coop_job_queue_depth{status="queued"}')).toBeGreaterThanOrEqual(1);
    expect(Number.isFinite(value(text, "coop_outbox_depth"))).toBe(true);
    expect(text).toContain("coop_votes_cast_total");
  });

  it("counts votes cast (the ballot box's accepted ballots)", async () => {
    const db = await testDb();
    const org = await makeOrganisation(db);
    const secretary = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
    const { tokens } = await makeVoters(db, org.id, 2);
    const motionId = await newOpenMotion(db, org.id, await setUpMeeting(db, org.id, secretary.id), secretary.id, "Metrics motion");
    const before = value(await (await scrape(TOKEN)).text(), "coop_votes_cast_total");
    for (const token of tokens) {
      const res = await fetch(`${server.base}/motions/${motionId}`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: `session=${token}`, Origin: server.base, "Content-Type": "application/x-www-form-urlencoded" },
        body: "choice=for",
      });
      expect(res.status).toBe(302);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(value(await (await scrape(TOKEN)).text(), "coop_votes_cast_total")).toBe(before + 2);
  });
});
