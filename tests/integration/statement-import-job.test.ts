import { describe, expect, it } from "vitest";
import { runStatementUpload } from "~/models/treasury/statement-uploads.server";
import { getJob, runNextJob } from "~/utils/jobs.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import { JOB_KINDS } from "../../server/jobs";
import { usingPostgres } from "../db";
import { appTestBed, Browser } from "../http";

/*
 * Large statement files (issue #18 point 1, "progress shown on large
 * files"): kept and imported by a job, all or nothing, with a progress page.
 * On real PostgreSQL the progress is watched rising from another connection
 * while the import's transaction is open, and no line is visible until it
 * commits; on embedded PGlite (one connection) the percentages the import
 * reports are checked instead.
 */

const t = appTestBed();

async function signedIn(orgId: string, roles: Parameters<typeof makeUser>[1]["roles"]) {
  const u = await makeUser(t.db, { organisationId: orgId, roles });
  const b = new Browser(t.server.base);
  await b.login(u.email, u.password);
  return b;
}

async function addAccount(b: Browser) {
  const res = await b.post("/treasury", { intent: "create", name: "Current account", bankName: "Lloyds", accountHolder: "Riverside Community Energy", sortCode: "30-99-50", accountNumber: "11223344", currency: "GBP" });
  expect(res.status).toBe(302);
  return res.headers.get("location")!.split("/").pop()!;
}

/** A Lloyds CSV export of `n` payments in, every one different; `bad` replaces the date on the given file line numbers (the header is line 1). */
function lloydsCsv(n: number, bad: number[] = []) {
  const rows = ["Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,Credit Amount,Balance"];
  let balance = 500_000;
  for (let i = 0; i < n; i++) {
    const pence = 1000 + (i % 97) * 13;
    balance += pence;
    const day = String((i % 28) + 1).padStart(2, "0");
    const month = String(Math.floor(i / 28) % 12 + 1).padStart(2, "0");
    const date = bad.includes(rows.length + 1) ? "31/04/2026" : `${day}/${month}/2026`;
    rows.push(`${date},FPI,'30-99-50,11223344,MEMBER ${i} SHARES,,${(pence / 100).toFixed(2)},${(balance / 100).toFixed(2)}`);
  }
  return new TextEncoder().encode(rows.join("\r\n") + "\r\n");
}

async function upload(b: Browser, accountId: string, name: string, bytes: Uint8Array) {
  const form = new FormData();
  form.append("intent", "upload");
  form.append("file", new File([bytes as Uint8Array<ArrayBuffer>], name));
  return fetch(`${t.server.base}/treasury/accounts/${accountId}`, { method: "POST", redirect: "manual", headers: { Cookie: b.cookie, Origin: t.server.base }, body: form });
}

/** Uploads a large file: the answer is the progress page of a queued job of this organisation's. */
async function uploadToJob(b: Browser, orgId: string, accountId: string, bytes: Uint8Array) {
  const res = await upload(b, accountId, "large.csv", bytes);
  expect(res.status).toBe(302);
  const location = res.headers.get("location")!;
  expect(location).toMatch(/^\/treasury\/imports\/\d+$/);
  const jobId = BigInt(location.split("/").pop()!);
  expect(await getJob(t.db, orgId, jobId)).toMatchObject({ kind: JOB_KINDS.importStatement, status: "queued" });
  return { jobId, location };
}

const linesOn = async (accountId: string) =>
  Number((await t.db.selectFrom("statement_lines").select((eb) => eb.fn.countAll<string>().as("n")).where("bank_account_id", "=", accountId).executeTakeFirstOrThrow()).n);

describe("large statement imports run as a job with a progress page", () => {
  it("keeps a 5,000-line file for the job, shows progress rising, and writes the lines all at once", async () => {
    const org = await makeOrganisation(t.db);
    const b = await signedIn(org.id, ["secretary"]);
    const id = await addAccount(b);
    const { jobId, location } = await uploadToJob(b, org.id, id, lloydsCsv(5000));
    // Kept, not imported: nothing on the account yet, and the page says it is waiting.
    expect(await linesOn(id)).toBe(0);
    const waiting = await (await b.get(location)).text();
    expect(waiting).toContain("Waiting to start");
    expect(waiting).toMatch(/<progress[^>]*max="100"[^>]*value="0"/);
    expect(waiting).toContain('role="status"');
    expect(waiting).toContain('<meta http-equiv="refresh" content="2"/>');

    const samples: { progress: number; lines: number }[] = [];
    let finished = false;
    const run = runNextJob(t.db, new Date(), { jobId }).finally(() => (finished = true));
    if (usingPostgres()) {
      // Read from other connections while the import's transaction is open. The count is read first: the import tells 100%
      // as its last batch is written, before it commits, so a job read after the count still below 100% means the count
      // was read before the commit (sampled the other way round, a count read just after the commit could pass as "during").
      while (!finished) {
        const lines = await linesOn(id);
        const job = await getJob(t.db, org.id, jobId);
        if (!finished && job?.status === "running" && job.progress < 100) samples.push({ progress: job.progress, lines });
      }
    }
    expect(await run).toBe(true);
    // On PGlite the import ran in this process for seconds, holding up the timers: let the HTTP client drop the idle
    // keep-alive socket the server closed meanwhile rather than send the next request on it (ECONNRESET on a busy machine).
    await new Promise((r) => setTimeout(r, 1500));
    if (usingPostgres()) {
      const between = samples.filter((s) => s.progress > 0 && s.progress < 100);
      expect(between.length, JSON.stringify(samples)).toBeGreaterThan(0);
      // Rising, never falling, and no line visible before the commit.
      for (let i = 1; i < samples.length; i++) expect(samples[i].progress).toBeGreaterThanOrEqual(samples[i - 1].progress);
      expect(samples.every((s) => s.lines === 0)).toBe(true);
    }
    expect(await getJob(t.db, org.id, jobId)).toMatchObject({ status: "done", progress: 100, message: "Imported: 5,000 new lines, 0 already imported." });
    expect(await linesOn(id)).toBe(5000);
    const done = await (await b.get(location)).text();
    expect(done).toContain("Imported: 5,000 new lines, 0 already imported.");
    expect(done).toMatch(/<progress[^>]*value="100"/);
    expect(done).not.toContain("http-equiv");
    const account = await (await b.get(`/treasury/accounts/${id}`)).text();
    expect(account).toContain("Statement lines (5000)");
    expect(account).toContain("large.csv");
    // The file is not kept once imported.
    const kept = await t.db.selectFrom("statement_uploads").select(["status", "bytes"]).where("job_id", "=", jobId).executeTakeFirstOrThrow();
    expect(kept).toEqual({ status: "imported", bytes: null });
  });

  it("commits nothing for a file with a bad line 4,321 and reports that line", async () => {
    const org = await makeOrganisation(t.db);
    const b = await signedIn(org.id, ["owner"]);
    const id = await addAccount(b);
    const { jobId, location } = await uploadToJob(b, org.id, id, lloydsCsv(5000, [4321]));
    expect(await runNextJob(t.db, new Date(), { jobId })).toBe(true);
    expect(await getJob(t.db, org.id, jobId)).toMatchObject({ status: "done", message: "Nothing was imported: 1 problem (the first on line 4321)." });
    expect(await linesOn(id)).toBe(0);
    expect(await t.db.selectFrom("statement_imports").select("id").where("bank_account_id", "=", id).execute()).toEqual([]);
    const page = await (await b.get(location)).text();
    expect(page).toContain("Nothing was imported: 1 problem");
    expect(page).toMatch(/<td class="num">4321<\/td><td class="num"><\/td><td>Transaction Date<\/td><td>&quot;31\/04\/2026&quot; is not a date/);
    // Every bad line is kept with its number, not just the first.
    const many = await uploadToJob(b, org.id, id, lloydsCsv(2000, [10, 1500, 2001]));
    // Only this file's job: the shared test database holds other files' queued jobs.
    expect(await runNextJob(t.db, new Date(), { jobId: many.jobId })).toBe(true);
    const manyPage = await (await b.get(many.location)).text();
    expect(manyPage).toContain("Nothing was imported: 3 problems");
    for (const line of [10, 1500, 2001]) expect(manyPage).toContain(`<td class="num">${line}</td>`);
    expect(await linesOn(id)).toBe(0);
  });

  it("reports the share of lines written as it goes", async () => {
    const org = await makeOrganisation(t.db);
    const b = await signedIn(org.id, ["secretary"]);
    const id = await addAccount(b);
    const { jobId } = await uploadToJob(b, org.id, id, lloydsCsv(3000));
    await t.db.updateTable("jobs").set({ status: "failed" }).where("id", "=", jobId).execute();
    const upload = await t.db.selectFrom("statement_uploads").select("id").where("job_id", "=", jobId).executeTakeFirstOrThrow();
    const told: number[] = [];
    // Nothing written beside the transaction here (the callback only listens), so this runs on PGlite too.
    const outcome = await runStatementUpload(t.db, org.id, upload.id, async (percent) => void told.push(Math.round(percent)));
    expect(outcome).toMatchObject({ ok: true, linesNew: 3000, linesExisting: 0 });
    expect(told).toEqual([0, 33, 67, 100]);
    // Run again (a retried job): nothing twice.
    expect(await runStatementUpload(t.db, org.id, upload.id)).toMatchObject({ ok: true, linesNew: 3000 });
    expect(await linesOn(id)).toBe(3000);
    // Finished jobs are pruned after their retention period: the upload stays, without its job (migration 0036).
    // (What pruneExpired deletes, deleted here alone: other files share the database and prune on their own.)
    await t.db.deleteFrom("jobs").where("id", "=", jobId).execute();
    expect(await getJob(t.db, org.id, jobId)).toBeUndefined();
    expect(await t.db.selectFrom("statement_uploads").select(["status", "job_id"]).where("id", "=", upload.id).executeTakeFirstOrThrow()).toEqual({ status: "imported", job_id: null });
  });

  it("keeps small files inline, asks for the columns of an unknown large layout, and keeps other organisations out", async () => {
    const org = await makeOrganisation(t.db);
    const b = await signedIn(org.id, ["secretary"]);
    const id = await addAccount(b);
    const small = await upload(b, id, "small.csv", lloydsCsv(998));
    expect(small.headers.get("location")).toContain("imported=998&existing=0");
    const unknown = new TextEncoder().encode(["Wann,Was,Rein,Raus", ...Array.from({ length: 1500 }, (_, i) => `2026-04-01,Payment ${i},1.00,`)].join("\n"));
    const ask = await upload(b, id, "unknown.csv", unknown);
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain("Which column is which?");

    const { location } = await uploadToJob(b, org.id, id, lloydsCsv(1200));
    const other = await makeOrganisation(t.db);
    const outsider = await signedIn(other.id, ["owner"]);
    expect((await outsider.get(location)).status).toBe(404);
    expect((await b.get("/treasury/imports/not-a-number")).status).toBe(404);
    const member = await signedIn(org.id, ["member"]);
    expect((await member.get(location)).status).toBe(403);
    const officer = await signedIn(org.id, ["loan_officer"]);
    expect((await officer.get(location)).status).toBe(200);
  });
});
