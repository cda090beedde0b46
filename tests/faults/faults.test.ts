/**
 * Kill -9 in the middle of work, restart, and check that nothing is lost
 * or half-written: a vote burst, a members import and an interest run.
 * Every kill is placed, not timed: the child prints fault markers from
 * inside its work (app/utils/fault-markers.server.ts) and stops at the one
 * named by FAULT_HOLD; the test checks from outside, in PostgreSQL's own
 * tables, that the child really is inside its transaction there
 * (pg_stat_activity, pg_locks, rows only that transaction can see) before
 * it pulls the plug. The import and the interest run are struck early, in
 * the middle and just before commit.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "~/models/core/auth.server";
import { receiptHash } from "~/models/governance/ballots.server";
import { approveInterestRun, createInterestPreview, getInterestRun } from "~/models/shares/interest-runs.server";
import { createMeeting, createMotion, openMotion } from "~/models/governance/meetings.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { holdingsLedgerMismatches, recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { setupClass } from "../fixtures/shares";
import { blockedBy, connectionsGone, freshDatabase, heldAt, holdAt, kill, openTransactionOf, runScript, startAppServer, withApplicationName } from "./harness";
import { verifyAllLedgers } from "../../scripts/ledger-verify";

let database: Awaited<ReturnType<typeof freshDatabase>>;
let db: Database;
const tmp = mkdtempSync(path.join(tmpdir(), "coop-faults-"));

beforeAll(async () => {
  database = await freshDatabase();
  db = database.db;
});
afterAll(async () => {
  await database?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

async function post(base: string, pathname: string, cookie: string, form: Record<string, string>) {
  try {
    const res = await fetch(base + pathname, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0; // the connection died with the server
  }
}

/** One ballot post: its status (0 when the connection died with the server) and the receipt it answered with. */
async function vote(base: string, motionId: string, cookie: string, choice: string): Promise<{ status: number; receipt: string | null }> {
  try {
    const res = await fetch(`${base}/motions/${motionId}`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ choice }),
    });
    await res.arrayBuffer();
    const location = res.headers.get("location");
    return { status: res.status, receipt: location ? new URL(location, base).searchParams.get("receipt") : null };
  } catch {
    return { status: 0, receipt: null };
  }
}

describe("SIGKILL during a vote burst", () => {
  it("strikes while ballots are cast but not answered: every answered ballot counts once, as cast, and the rest are taken after a restart", async () => {
    const org = await makeOrganisation(db);
    const secretary = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
    const voters: { memberId: string; cookie: string; choice: "for" | "against" }[] = [];
    for (let i = 0; i < 150; i++) {
      const m = await makeMember(db, org.id, { name: `Voter ${i}`, on: "2025-01-15" });
      const u = await makeUser(db, { organisationId: org.id, roles: ["member"], memberId: m.id });
      const { token } = await createSession(db, u.id, org.id);
      voters.push({ memberId: m.id, cookie: `session=${token}`, choice: i % 3 ? "for" : "against" });
    }
    const rules = (await getOrganisation(db, org.id)).rules;
    const meeting = await createMeeting(db, secretary.id, org.id, { kind: "agm", title: "Fault AGM", heldOn: "2030-06-30", startsAt: "", place: "", format: "electronic", noticeGivenOn: "2030-06-01", recordDate: "2030-01-01", agenda: "", documents: "" });
    const motion = await createMotion(db, secretary.id, org.id, meeting.id, { kind: "ordinary", title: "Adopt the accounts", body: "", thresholdComparison: "at-least" }, rules);
    await db.transaction().execute((trx) => openMotion(trx, secretary.id, org.id, motion.id));
    const counts = async () => {
      const r = await sql<{ p: number; b: number; dup: number }>`select
        (select count(*)::int from participations where motion_id = ${motion.id}) as p,
        (select count(*)::int from ballots where motion_id = ${motion.id}) as b,
        (select count(*)::int from (select member_id from participations where motion_id = ${motion.id} group by member_id having count(*) > 1) d) as dup`.execute(db);
      return { participations: r.rows[0].p, ballots: r.rows[0].b, duplicates: r.rows[0].dup };
    };
    const recordedVoters = async () => new Set((await db.selectFrom("participations").select("member_id").where("motion_id", "=", motion.id).execute()).map((r) => r.member_id));

    // The server casts ballots in batches, one statement each; it stops after committing its third batch, before answering it.
    const name = "fault-votes";
    let app = await startAppServer(withApplicationName(database.url, name), holdAt("ballots.cast@3"));
    const results = new Map<number, { status: number; receipt: string | null }>();
    let next = 0;
    let inFlight = 0;
    let stop = false;
    const burst = Promise.all(
      Array.from({ length: 12 }, async () => {
        while (next < voters.length && !stop) {
          const i = next++;
          inFlight++;
          results.set(i, await vote(app.base, motion.id, voters[i].cookie, voters[i].choice));
          inFlight--;
        }
      }),
    );
    const held = await heldAt(app.child, "ballots.cast");
    stop = true; // no new votes: what is in flight now is in flight at the kill
    const inFlightAtKill = inFlight;
    await kill(app.child);
    await burst;
    await connectionsGone(db, name);

    expect(Number(held.cast), "the held batch cast ballots").toBeGreaterThan(0);
    expect(inFlightAtKill, "the held batch's voters were still waiting for their answers").toBeGreaterThanOrEqual(Number(held.cast));
    const recorded = await recordedVoters();
    expect(recorded.size, "the kill struck mid-burst").toBeLessThan(voters.length);
    const afterKill = await counts();
    expect(afterKill).toEqual({ participations: recorded.size, ballots: recorded.size, duplicates: 0 });
    // Every ballot the server answered is in the box once, with the choice the member made: found by its receipt.
    const answered = [...results.entries()].filter(([, r]) => r.status === 302);
    expect(answered.length).toBeGreaterThan(0);
    for (const [i, r] of answered) {
      expect(r.receipt, `voter ${i} got a receipt`).toBeTruthy();
      expect(recorded.has(voters[i].memberId), `voter ${i}'s answered vote is recorded`).toBe(true);
      const ballots = await db.selectFrom("ballots").select("choice").where("motion_id", "=", motion.id).where("receipt_hash", "=", receiptHash(r.receipt!)).execute();
      expect(ballots.map((b) => b.choice), `voter ${i}'s ballot`).toEqual([voters[i].choice]);
    }
    // The held batch: committed, its voters never answered (their connections died with the server).
    const unanswered = voters.filter((v, i) => recorded.has(v.memberId) && results.get(i)?.status !== 302);
    expect(unanswered.length).toBeGreaterThanOrEqual(Number(held.cast));

    // After a restart everyone votes "for": those already recorded are refused, the others counted.
    app = await startAppServer(database.url);
    const again = new Map<number, number>();
    try {
      let i = 0;
      await Promise.all(Array.from({ length: 6 }, async () => {
        while (i < voters.length) {
          const v = i++;
          again.set(v, (await vote(app.base, motion.id, voters[v].cookie, "for")).status);
        }
      }));
    } finally {
      await kill(app.child);
    }
    for (const [i, v] of voters.entries()) expect(again.get(i) === 302, `voter ${i} (recorded before: ${recorded.has(v.memberId)}) answered ${again.get(i)}`).toBe(!recorded.has(v.memberId));
    expect(await counts()).toEqual({ participations: voters.length, ballots: voters.length, duplicates: 0 });
    // Each member counted once, with the first ballot that reached the box.
    const tally = Object.fromEntries((await sql<{ choice: string; n: number }>`select choice, count(*)::int as n from ballots where motion_id = ${motion.id} group by choice`.execute(db)).rows.map((r) => [r.choice, r.n]));
    const against = voters.filter((v) => recorded.has(v.memberId) && v.choice === "against").length;
    expect(tally).toEqual({ for: voters.length - against, ...(against ? { against } : {}) });
  });
});

describe("SIGKILL during a members import", () => {
  it("imports all of the file or none of it, struck early, in the middle and just before commit", async () => {
    const { org } = await setupClass(db, { name: "Ordinary Shares" });
    const rows = ["member_number,kind,name,email,address,postcode,joined_on,share_class,shares"];
    const N = 4_000; // two batches of 2,000 (import.server.ts)
    for (let i = 1; i <= N; i++) rows.push(`${i},person,Member ${i},m${i}@example.org,${i} Fishergate,PR1 ${1 + (i % 9)}AB,2024-01-${String(1 + (i % 28)).padStart(2, "0")},Ordinary Shares,${10 + (i % 50)}`);
    const file = path.join(tmp, "members.csv");
    writeFileSync(file, rows.join("\n") + "\n");
    const slug = (await getOrganisation(db, org.id)).slug;
    const footprint = async () =>
      (await sql<{ members: number; history: number; purchases: number; certificates: number; audits: number }>`select
        (select count(*)::int from members where organisation_id = ${org.id}) as members,
        (select count(*)::int from member_status_history where organisation_id = ${org.id}) as history,
        (select count(*)::int from share_transactions where organisation_id = ${org.id} and method = 'import') as purchases,
        (select count(*)::int from share_certificates where organisation_id = ${org.id}) as certificates,
        (select count(*)::int from audit_events where organisation_id = ${org.id} and action = 'members.imported') as audits`.execute(db)).rows[0];
    const before = await footprint();
    // Whether inserting member number n has to wait for another transaction: the import's, holding that number uncommitted.
    const taken = (n: number) =>
      blockedBy(db, (trx) => sql`insert into members (organisation_id, member_number, kind, name, status, applied_on) values (${org.id}, ${n}, 'person', 'Probe', 'applied', '2024-01-01')`.execute(trx));

    for (const [point, hold] of [
      ["early, inside the first batch (its members written, not yet their holdings)", "import.members-written@1"],
      ["in the middle, between the batches", "import.rows-written@1"],
      ["just before commit", "import.before-commit"],
    ] as const) {
      const name = `fault-import-${hold.replace(/\W/g, "-")}`;
      const child = await runScript("scripts/import-members.ts", [file, "--org", slug], { DATABASE_URL: withApplicationName(database.url, name), ...holdAt(hold) });
      const marker = await heldAt(child, hold.split("@")[0]);
      const written = Number(marker.rows);
      // Seen from outside: the import's connection is in a transaction that has written and holds its locks ...
      const tx = await openTransactionOf(db, name);
      expect(tx.state, point).toBe("idle in transaction");
      expect(tx.locks, point).toEqual(expect.arrayContaining(["advisory", "RowExclusiveLock members"]));
      // ... its rows up to the marker's are there for it alone: not visible, yet their member numbers are taken ...
      expect(await footprint(), point).toEqual(before);
      expect(await taken(written), `${point}: member ${written} written`).toBe(true);
      if (written < N) expect(await taken(written + 1), `${point}: member ${written + 1} not yet`).toBe(false);
      await kill(child);
      await connectionsGone(db, name);
      // ... and after the kill nothing of them is left.
      expect(await footprint(), `${point}: after the kill`).toEqual(before);
      expect(await holdingsLedgerMismatches(db, org.id)).toEqual([]);
    }

    const run = await runScript("scripts/import-members.ts", [file, "--org", slug], { DATABASE_URL: database.url });
    expect(await run.exited, run.output()).toBe(0);
    const all = { members: before.members + N, history: before.history + N, purchases: before.purchases + N, certificates: before.certificates + N, audits: before.audits + 1 };
    expect(await footprint()).toEqual(all);
    // Once only: the same file again is refused whole (the member numbers are taken).
    const again = await runScript("scripts/import-members.ts", [file, "--org", slug], { DATABASE_URL: database.url });
    expect(await again.exited, again.output()).toBe(1);
    expect(await footprint()).toEqual(all);
    expect(await holdingsLedgerMismatches(db, org.id)).toEqual([]);
  });
});

describe("SIGKILL during an interest run", () => {
  it("posts a run completely or not at all, and once, struck early, in the middle and just before commit", async () => {
    const { org, user, cls } = await setupClass(db, { name: "Interest Shares", interestRate: "3" });
    const SAVERS = 80;
    for (let i = 0; i < SAVERS; i++) {
      const m = await makeMember(db, org.id, { name: `Saver ${i}`, on: "2024-01-02", email: `saver${i}@example.org` });
      const r = await db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: user.id, memberId: m.id, classId: cls.id, shares: 100 + i, on: "2024-01-02", method: "cash" }));
      if (!r.ok) throw new Error(r.reason);
    }
    const board = await makeUser(db, { organisationId: org.id, roles: ["board"] });
    const preview = await db.transaction().execute((trx) => createInterestPreview(trx, user.id, org.id, { classId: cls.id, from: "2024-01-01", to: "2024-12-31", rate: 300, payAs: "shares", rounding: "down" }));
    if (!preview.ok) throw new Error(preview.reason);
    await db.transaction().execute((trx) => approveInterestRun(trx, board.id, org.id, preview.runId));
    const { token } = await createSession(db, user.id, org.id);
    const footprint = async () =>
      (await sql<{ status: string; postings: number; emails: number; audits: number; certificates: number; credited: number }>`select
        (select status from interest_runs where id = ${preview.runId}) as status,
        (select count(*)::int from share_transactions where organisation_id = ${org.id} and kind in ('interest', 'interest_shares')) as postings,
        (select count(*)::int from email_outbox where organisation_id = ${org.id}) as emails,
        (select count(*)::int from audit_events where organisation_id = ${org.id} and action = 'share.interest_posted') as audits,
        (select count(*)::int from share_certificates where organisation_id = ${org.id}) as certificates,
        (select coalesce(sum(shares_credited), 0)::int from interest_lines where run_id = ${preview.runId}) as credited`.execute(db)).rows[0];
    const before = await footprint();
    expect(before).toMatchObject({ status: "approved", postings: 0, audits: 0 });
    const postRun = (base: string) => post(base, `/shares/interest/${preview.runId}/post`, `session=${token}`, { on: "2025-01-10", confirmed: "yes", submissionKey: randomUUID() });

    for (const [point, hold, marker] of [["early, after the first member", "interest.line-posted@1", "interest.line-posted"], ["in the middle", `interest.line-posted@${SAVERS / 2}`, "interest.line-posted"], ["just before commit", "money.before-commit", "money.before-commit"]] as const) {
      const name = `fault-interest-${hold.replace(/\W/g, "-")}`;
      const app = await startAppServer(withApplicationName(database.url, name), holdAt(hold));
      const posting = postRun(app.base);
      await heldAt(app.child, marker);
      // Seen from outside: the posting's transaction has written and holds the run's row lock ...
      const tx = await openTransactionOf(db, name, "share_transactions");
      expect(tx.state, point).toBe("idle in transaction");
      expect(tx.locks, point).toEqual(expect.arrayContaining(["RowExclusiveLock share_transactions", "RowExclusiveLock email_outbox"]));
      expect(await blockedBy(db, (trx) => sql`select id from interest_runs where id = ${preview.runId} for update nowait`.execute(trx)), `${point}: the run is locked`).toBe(true);
      // ... and what it wrote is visible to it alone.
      expect(await footprint(), point).toEqual(before);
      await kill(app.child);
      expect(await posting, `${point}: the post was never answered`).toBe(0);
      await connectionsGone(db, name);
      expect(await footprint(), `${point}: after the kill`).toEqual(before);
      expect(await holdingsLedgerMismatches(db, org.id)).toEqual([]);
    }

    const app = await startAppServer(database.url);
    try {
      expect(await postRun(app.base)).toBe(302);
      expect(await postRun(app.base)).toBe(409); // a posted run cannot be posted again
    } finally {
      await kill(app.child);
    }
    expect((await getInterestRun(db, org.id, preview.runId))?.run.status).toBe("posted");
    const after = await footprint();
    expect(after).toMatchObject({ status: "posted", emails: before.emails + SAVERS, audits: 1 });
    expect(after.credited).toBeGreaterThan(0);
    // Every member credited exactly once, with the shares the run says.
    const wrong = await sql<{ member_id: string }>`
      select l.member_id from interest_lines l
      where l.run_id = ${preview.runId} and l.shares_credited > 0
        and (select count(*) from share_transactions t where t.organisation_id = ${org.id} and t.member_id = l.member_id and t.kind = 'interest_shares' and t.shares = l.shares_credited) <> 1`.execute(db);
    expect(wrong.rows).toEqual([]);
    const credited = Number((await sql<{ n: number }>`select count(*)::int as n from interest_lines where run_id = ${preview.runId} and shares_credited > 0`.execute(db)).rows[0].n);
    expect(after.postings).toBe(credited);
    expect(await holdingsLedgerMismatches(db, org.id)).toEqual([]);
  });
});

describe("after every kill", () => {
  it("leaves every organisation's money invariants whole (ledger:verify)", async () => {
    const lines: string[] = [];
    expect(await verifyAllLedgers(database.db, (l) => lines.push(l)), lines.join("\n")).toBe(0);
  });
});
