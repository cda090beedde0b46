import { describe, expect, it } from "vitest";
import { runMembersUpload } from "~/models/shares/member-import-uploads.server";
import { getJob, runNextJob } from "~/utils/jobs.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import { JOB_KINDS } from "../../server/jobs";
import { usingPostgres } from "../db";
import { setupClass } from "../fixtures/shares";
import { appTestBed, Browser } from "../http";

/*
 * Large members files ("progress shown on long work such as imports"): kept
 * and imported by a job, all or nothing, with a progress page, as large bank
 * statements are (statement-import-job.test.ts). On real PostgreSQL the
 * progress is watched rising from other connections while the import's
 * transaction is open, and no member is visible until it commits; on embedded
 * PGlite (one connection) the percentages the import reports are checked.
 */

const t = appTestBed();

const HEADER = "member_number,kind,name,email,address,postcode,joined_on,share_class,shares";

/** A members file of `n` rows, every one different; `bad` gives the given file line numbers (the header is line 1) a bad postcode. */
function membersCsv(n: number, bad: number[] = []) {
  const rows = [HEADER];
  for (let i = 0; i < n; i++) {
    const postcode = bad.includes(rows.length + 1) ? "NOT A POSTCODE" : "PR1 2AB";
    rows.push(`${1001 + i},person,Member ${i},m${i}@example.org,${i} Fishergate,${postcode},2024-03-01,Community Shares,${10 + (i % 5)}`);
  }
  return new TextEncoder().encode(rows.join("\r\n") + "\r\n");
}

async function signedIn(user: { email: string; password: string }) {
  const b = new Browser(t.server.base);
  await b.login(user.email, user.password);
  return b;
}

async function upload(b: Browser, bytes: Uint8Array, name = "register.csv") {
  const form = new FormData();
  form.append("file", new File([bytes as Uint8Array<ArrayBuffer>], name, { type: "text/csv" }));
  return fetch(`${t.server.base}/import`, { method: "POST", redirect: "manual", headers: { Cookie: b.cookie, Origin: t.server.base }, body: form });
}

/** Uploads a large file: the answer is the progress page of a queued job of this organisation's. */
async function uploadToJob(b: Browser, orgId: string, bytes: Uint8Array) {
  const res = await upload(b, bytes);
  expect(res.status).toBe(302);
  const location = res.headers.get("location")!;
  expect(location).toMatch(/^\/members\/import\/\d+$/);
  const jobId = BigInt(location.split("/").pop()!);
  expect(await getJob(t.db, orgId, jobId)).toMatchObject({ kind: JOB_KINDS.importMembers, status: "queued" });
  return { jobId, location };
}

/**
 * After an import run in this process (PGlite: several seconds holding up the timers): lets the HTTP client drop an
 * idle keep-alive socket the server closed meanwhile, rather than send the next request on it (ECONNRESET).
 */
const settle = () => new Promise((r) => setTimeout(r, 1500));

const membersOf = async (orgId: string) =>
  Number((await t.db.selectFrom("members").select((eb) => eb.fn.countAll<string>().as("n")).where("organisation_id", "=", orgId).executeTakeFirstOrThrow()).n);
const auditsOf = async (orgId: string) =>
  (await t.db.selectFrom("audit_events").select(["actor_user_id", "body"]).where("organisation_id", "=", orgId).where("action", "=", "members.imported").execute())
    .map((e) => ({ actor_user_id: e.actor_user_id, after: (typeof e.body === "string" ? JSON.parse(e.body) : e.body).after }));

// Thousands of members on a machine shared with other work: more than the default 30 s to spare.
describe("large members imports run as a job with a progress page", { timeout: 120_000 }, () => {
  it("keeps a 5,000-row file for the job, shows progress rising, and writes the members all at once", async () => {
    const { org, user } = await setupClass(t.db, { minHolding: "10" });
    const b = await signedIn(user);
    const { jobId, location } = await uploadToJob(b, org.id, membersCsv(5000));
    // Kept, not imported: nobody on the register yet, and the page says it is waiting.
    expect(await membersOf(org.id)).toBe(0);
    const waiting = await (await b.get(location)).text();
    expect(waiting).toContain("Waiting to start");
    expect(waiting).toMatch(/<progress[^>]*max="100"[^>]*value="0"/);
    expect(waiting).toContain('role="status"');
    expect(waiting).toContain('<meta http-equiv="refresh" content="2"/>');

    const samples: { progress: number; members: number }[] = [];
    let finished = false;
    const run = runNextJob(t.db, new Date(), { jobId }).finally(() => (finished = true));
    if (usingPostgres()) {
      // Read from other connections while the import's transaction is open. The count is read first: the import tells 100%
      // as its last batch is written, before it commits, so a job read after the count still below 100% means the count
      // was read before the commit (sampled the other way round, a count read just after the commit could pass as "during").
      while (!finished) {
        const members = await membersOf(org.id);
        const job = await getJob(t.db, org.id, jobId);
        if (!finished && job?.status === "running" && job.progress < 100) samples.push({ progress: job.progress, members });
      }
    }
    expect(await run).toBe(true);
    await settle();
    if (usingPostgres()) {
      const between = samples.filter((s) => s.progress > 0 && s.progress < 100);
      expect(between.length, JSON.stringify(samples)).toBeGreaterThan(0);
      // Rising, never falling, and no member visible before the commit.
      for (let i = 1; i < samples.length; i++) expect(samples[i].progress).toBeGreaterThanOrEqual(samples[i - 1].progress);
      expect(samples.every((s) => s.members === 0)).toBe(true);
    }
    expect(await getJob(t.db, org.id, jobId)).toMatchObject({ status: "done", progress: 100, message: "Imported 5,000 members with 60,000 shares." });
    expect(await membersOf(org.id)).toBe(5000);
    const done = await (await b.get(location)).text();
    expect(done).toContain("Imported 5,000 members with 60,000 shares.");
    expect(done).toMatch(/<progress[^>]*value="100"/);
    expect(done).not.toContain("http-equiv");
    // The inline import's audit entry, once, by the person who uploaded.
    expect(await auditsOf(org.id)).toMatchObject([{ actor_user_id: user.id, after: { members: 5000, shares: 60000, firstNumber: "1001", lastNumber: "6000" } }]);
    const last = await t.db.selectFrom("members").select(["name", "status", "admitted_on"]).where("organisation_id", "=", org.id).where("member_number", "=", 6000).executeTakeFirstOrThrow();
    expect(last).toEqual({ name: "Member 4999", status: "admitted", admitted_on: "2024-03-01" });
    // The file is not kept once imported.
    const kept = await t.db.selectFrom("member_import_uploads").select(["status", "bytes"]).where("job_id", "=", jobId).executeTakeFirstOrThrow();
    expect(kept).toEqual({ status: "imported", bytes: null });
  });

  it("commits nothing for a file with a bad row on line 4,321 and reports that line", async () => {
    const { org, user } = await setupClass(t.db, { minHolding: "10" });
    const b = await signedIn(user);
    const { jobId, location } = await uploadToJob(b, org.id, membersCsv(5000, [4321]));
    expect(await runNextJob(t.db, new Date(), { jobId })).toBe(true);
    await settle();
    expect(await getJob(t.db, org.id, jobId)).toMatchObject({ status: "done", message: "Nothing was imported: 1 problem (the first on line 4321)." });
    expect(await membersOf(org.id)).toBe(0);
    expect(await t.db.selectFrom("share_transactions").select("id").where("organisation_id", "=", org.id).execute()).toEqual([]);
    expect(await auditsOf(org.id)).toEqual([]);
    const page = await (await b.get(location)).text();
    expect(page).toContain("Nothing was imported: 1 problem");
    expect(page).toMatch(/<td class="num">4321<\/td><td>postcode<\/td><td>bad postcode/);
    // Every bad row is kept with its line, not just the first.
    const many = await uploadToJob(b, org.id, membersCsv(2000, [10, 1500, 2001]));
    // Only this file's job: the shared test database holds other files' queued jobs.
    expect(await runNextJob(t.db, new Date(), { jobId: many.jobId })).toBe(true);
    await settle();
    const manyPage = await (await b.get(many.location)).text();
    expect(manyPage).toContain("Nothing was imported: 3 problems");
    for (const line of [10, 1500, 2001]) expect(manyPage).toContain(`<td class="num">${line}</td><td>postcode</td>`);
    expect(await membersOf(org.id)).toBe(0);
  });

  it("reports the share of members written as it goes, and does nothing twice", async () => {
    const { org, user } = await setupClass(t.db, { minHolding: "10" });
    const b = await signedIn(user);
    const { jobId } = await uploadToJob(b, org.id, membersCsv(3000));
    await t.db.updateTable("jobs").set({ status: "failed" }).where("id", "=", jobId).execute();
    const kept = await t.db.selectFrom("member_import_uploads").select("id").where("job_id", "=", jobId).executeTakeFirstOrThrow();
    const told: number[] = [];
    // Nothing written beside the transaction here (the callback only listens), so this runs on PGlite too.
    const outcome = await runMembersUpload(t.db, org.id, kept.id, new Date(), async (percent) => void told.push(Math.round(percent)));
    expect(outcome).toEqual({ ok: true, members: 3000, shares: 36000 });
    expect(told).toEqual([0, 67, 100]);
    // Run again (a retried job): nothing twice.
    expect(await runMembersUpload(t.db, org.id, kept.id, new Date())).toEqual({ ok: true, members: 3000, shares: 36000 });
    expect(await membersOf(org.id)).toBe(3000);
    expect(await auditsOf(org.id)).toHaveLength(1);
    await settle();
    // Finished jobs are pruned after their retention period: the upload stays, without its job (the page is then a 404).
    // (What pruneExpired deletes, deleted here alone: other files share the database and prune on their own.)
    await t.db.deleteFrom("jobs").where("id", "=", jobId).execute();
    expect(await getJob(t.db, org.id, jobId)).toBeUndefined();
    expect(await t.db.selectFrom("member_import_uploads").select(["status", "job_id"]).where("id", "=", kept.id).executeTakeFirstOrThrow()).toEqual({ status: "imported", job_id: null });
    expect((await b.get(`/members/import/${jobId}`)).status).toBe(404);
  });

  it.runIf(usingPostgres())("imports an upload once when two runs of it start at once (a job claimed again while the first runs)", async () => {
    const { org, user } = await setupClass(t.db, { minHolding: "10" });
    const b = await signedIn(user);
    const { jobId } = await uploadToJob(b, org.id, membersCsv(1500));
    await t.db.updateTable("jobs").set({ status: "failed" }).where("id", "=", jobId).execute();
    const kept = await t.db.selectFrom("member_import_uploads").select("id").where("job_id", "=", jobId).executeTakeFirstOrThrow();
    const outcomes = await Promise.all([runMembersUpload(t.db, org.id, kept.id, new Date()), runMembersUpload(t.db, org.id, kept.id, new Date())]);
    expect(outcomes).toEqual([{ ok: true, members: 1500, shares: 18000 }, { ok: true, members: 1500, shares: 18000 }]);
    expect(await membersOf(org.id)).toBe(1500);
    expect(await auditsOf(org.id)).toHaveLength(1);
    await settle();
  });

  it("keeps small files inline, reports a large file's bad header at once, and keeps other organisations and roles out", async () => {
    const { org, user } = await setupClass(t.db, { minHolding: "10" });
    const b = await signedIn(user);
    const small = await upload(b, membersCsv(998));
    expect(small.status).toBe(200);
    expect(await small.text()).toContain("Imported 998 members with 11973 shares.");
    expect(await membersOf(org.id)).toBe(998);

    const jobsBefore = await t.db.selectFrom("jobs").select("id").where("organisation_id", "=", org.id).execute();
    const badHeader = new TextEncoder().encode(new TextDecoder().decode(membersCsv(1500)).replace("postcode", "post_code"));
    const refused = await upload(b, badHeader);
    expect(refused.status).toBe(200);
    const refusedPage = await refused.text();
    expect(refusedPage).toContain("Nothing was imported");
    expect(refusedPage).toContain("missing column &quot;postcode&quot;");
    expect(await t.db.selectFrom("jobs").select("id").where("organisation_id", "=", org.id).execute()).toEqual(jobsBefore);

    const { location } = await uploadToJob(b, org.id, membersCsv(1200));
    const other = await makeOrganisation(t.db);
    const outsider = await signedIn(await makeUser(t.db, { organisationId: other.id, roles: ["owner"] }));
    expect((await outsider.get(location)).status).toBe(404);
    expect((await b.get("/members/import/not-a-number")).status).toBe(404);
    const member = await signedIn(await makeUser(t.db, { organisationId: org.id, roles: ["member"] }));
    expect((await member.get(location)).status).toBe(403);
    const board = await signedIn(await makeUser(t.db, { organisationId: org.id, roles: ["board"] }));
    expect((await board.get(location)).status).toBe(403);
    const owner = await signedIn(await makeUser(t.db, { organisationId: org.id, roles: ["owner"] }));
    expect((await owner.get(location)).status).toBe(200);
  });
});
