/**
 * Kill -9 in the middle of work, restart, and check that nothing is lost
 * or half-written: a vote burst, a members import and an interest run.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "~/models/core/auth.server";
import { approveInterestRun, createInterestPreview, getInterestRun } from "~/models/shares/interest-runs.server";
import { createMeeting, createMotion, openMotion } from "~/models/governance/meetings.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { holdingsLedgerMismatches } from "~/models/shares/share-classes-and-holdings.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { setupClass } from "../fixtures/shares";
import { freshDatabase, kill, runScript, startAppServer } from "./harness";
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

describe("SIGKILL during a vote burst", () => {
  it("keeps every counted vote exactly once, and takes the rest after a restart", async () => {
    const org = await makeOrganisation(db);
    const secretary = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
    const voters: { memberId: string; cookie: string }[] = [];
    for (let i = 0; i < 150; i++) {
      const m = await makeMember(db, org.id, { name: `Voter ${i}`, on: "2025-01-15" });
      const u = await makeUser(db, { organisationId: org.id, roles: ["member"], memberId: m.id });
      const { token } = await createSession(db, u.id, org.id);
      voters.push({ memberId: m.id, cookie: `session=${token}` });
    }
    const rules = (await getOrganisation(db, org.id)).rules;
    const meeting = await createMeeting(db, secretary.id, org.id, { kind: "agm", title: "Fault AGM", heldOn: "2030-06-30", startsAt: "", place: "", format: "electronic", noticeGivenOn: "2030-06-01", recordDate: "2030-01-01", agenda: "", documents: "" });
    const motion = await createMotion(db, secretary.id, org.id, meeting.id, { kind: "ordinary", title: "Adopt the accounts", body: "", thresholdComparison: "at-least" }, rules);
    await db.transaction().execute((trx) => openMotion(trx, secretary.id, org.id, motion.id));
    const counts = async () => {
      const r = await sql<{ p: string; b: string; dup: string }>`select
        (select count(*) from participations where motion_id = ${motion.id}) as p,
        (select count(*) from ballots where motion_id = ${motion.id}) as b,
        (select count(*) from (select member_id from participations where motion_id = ${motion.id} group by member_id having count(*) > 1) d) as dup`.execute(db);
      return { participations: Number(r.rows[0].p), ballots: Number(r.rows[0].b), duplicates: Number(r.rows[0].dup) };
    };

    let app = await startAppServer(database.url);
    const statuses = new Map<string, number>();
    let next = 0;
    const burst = Promise.all(
      Array.from({ length: 12 }, async () => {
        while (next < voters.length) {
          const v = voters[next++];
          statuses.set(v.memberId, await post(app.base, `/motions/${motion.id}`, v.cookie, { choice: next % 3 ? "for" : "against" }));
        }
      }),
    );
    // Let some votes land (a quarter of them), then pull the plug mid-burst: a fixed delay
    // would let a fast server finish the whole burst first.
    while (statuses.size < voters.length / 4) await new Promise((r) => setTimeout(r, 2));
    await kill(app.child);
    await burst;
    const afterKill = await counts();
    const accepted = [...statuses.entries()].filter(([, s]) => s === 302).map(([id]) => id);
    expect(afterKill.participations).toBeLessThan(voters.length); // the kill really was mid-burst
    expect(afterKill.ballots).toBe(afterKill.participations);
    expect(afterKill.duplicates).toBe(0);
    // Every vote the server confirmed is there.
    const recorded = new Set((await db.selectFrom("participations").select("member_id").where("motion_id", "=", motion.id).execute()).map((r) => r.member_id));
    for (const id of accepted) expect(recorded.has(id)).toBe(true);

    app = await startAppServer(database.url);
    try {
      for (const v of voters) await post(app.base, `/motions/${motion.id}`, v.cookie, { choice: "for" });
    } finally {
      await kill(app.child);
    }
    expect(await counts()).toEqual({ participations: voters.length, ballots: voters.length, duplicates: 0 });
  });
});

describe("SIGKILL during a members import", () => {
  it("imports all of the file or none of it, whenever the process dies", async () => {
    const { org } = await setupClass(db, { name: "Ordinary Shares" });
    const rows = ["member_number,kind,name,email,address,postcode,joined_on,share_class,shares"];
    const N = 20_000;
    for (let i = 1; i <= N; i++) rows.push(`${i},person,Member ${i},m${i}@example.org,${i} Fishergate,PR1 ${1 + (i % 9)}AB,2024-01-${String(1 + (i % 28)).padStart(2, "0")},Ordinary Shares,${10 + (i % 50)}`);
    const file = path.join(tmp, "members.csv");
    writeFileSync(file, rows.join("\n") + "\n");
    const slug = (await getOrganisation(db, org.id)).slug;
    const count = async () => Number((await sql<{ n: string }>`select count(*) as n from members where organisation_id = ${org.id}`.execute(db)).rows[0].n);

    for (const afterMs of [300, 1500, 3000]) {
      const child = await runScript("scripts/import-members.ts", [file, "--org", slug], { DATABASE_URL: database.url });
      await new Promise((r) => setTimeout(r, afterMs));
      const finished = child.process.exitCode !== null;
      await kill(child);
      const n = await count();
      expect([0, N], `killed after ${afterMs} ms (finished: ${finished})`).toContain(n);
      if (n === N) break;
    }
    if ((await count()) === 0) {
      const child = await runScript("scripts/import-members.ts", [file, "--org", slug], { DATABASE_URL: database.url });
      expect(await child.exited, child.output()).toBe(0);
    }
    expect(await count()).toBe(N);
    expect(await holdingsLedgerMismatches(db, org.id)).toEqual([]);
  });
});

describe("SIGKILL during an interest run", () => {
  it("posts a run completely or not at all, and once", async () => {
    const { org, user, cls } = await setupClass(db, { name: "Interest Shares", interestRate: "3" });
    const { recordPurchase } = await import("~/models/shares/share-classes-and-holdings.server");
    for (let i = 0; i < 400; i++) {
      const m = await makeMember(db, org.id, { name: `Saver ${i}`, on: "2024-01-02" });
      const r = await db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: user.id, memberId: m.id, classId: cls.id, shares: 100 + i, on: "2024-01-02", method: "cash" }));
      if (!r.ok) throw new Error(r.reason);
    }
    const board = await makeUser(db, { organisationId: org.id, roles: ["board"] });
    const preview = await db.transaction().execute((trx) => createInterestPreview(trx, user.id, org.id, { classId: cls.id, from: "2024-01-01", to: "2024-12-31", rate: 300, payAs: "shares", rounding: "down" }));
    if (!preview.ok) throw new Error(preview.reason);
    await db.transaction().execute((trx) => approveInterestRun(trx, board.id, org.id, preview.runId));
    const { token } = await createSession(db, user.id, org.id);
    const interestRows = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from share_transactions where organisation_id = ${org.id} and kind in ('interest', 'interest_shares')`.execute(db)).rows[0].n);

    let app = await startAppServer(database.url);
    const posting = post(app.base, `/shares/interest/${preview.runId}/post`, `session=${token}`, { on: "2025-01-10", submissionKey: randomUUID() });
    await new Promise((r) => setTimeout(r, 150));
    await kill(app.child);
    await posting;
    const run = await getInterestRun(db, org.id, preview.runId);
    const afterKill = await interestRows();
    // Either it committed whole before the kill, or nothing of it is there.
    if (run?.run.status === "posted") expect(afterKill).toBeGreaterThan(0);
    else expect(afterKill).toBe(0);
    expect(await holdingsLedgerMismatches(db, org.id)).toEqual([]);

    app = await startAppServer(database.url);
    try {
      const again = await post(app.base, `/shares/interest/${preview.runId}/post`, `session=${token}`, { on: "2025-01-10", submissionKey: randomUUID() });
      expect([302, 409]).toContain(again);
      const twice = await post(app.base, `/shares/interest/${preview.runId}/post`, `session=${token}`, { on: "2025-01-10", submissionKey: randomUUID() });
      expect(twice).toBe(409); // a posted run cannot be posted again
    } finally {
      await kill(app.child);
    }
    expect((await getInterestRun(db, org.id, preview.runId))?.run.status).toBe("posted");
    const posted = await interestRows();
    expect(posted).toBeGreaterThan(0);
    expect(posted).toBeLessThanOrEqual(400);
    expect(await holdingsLedgerMismatches(db, org.id)).toEqual([]);
  });
});

describe("after every kill", () => {
  it("leaves every organisation's money invariants whole (ledger:verify)", async () => {
    const lines: string[] = [];
    expect(await verifyAllLedgers(database.db, (l) => lines.push(l)), lines.join("\n")).toBe(0);
  });
});
