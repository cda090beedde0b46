import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { decisionsFor } from "~/models/core/decisions.server";
import { createApplication, stepApplication } from "~/models/lending/applications.server";
import { castCommitteeVote } from "~/models/lending/committee.server";
import { proposeWriteOff } from "~/models/lending/write-offs.server";
import { permissionsFor, type Role } from "~/domain/permissions";
import type { Database } from "~/utils/db.server";
import { makeMember, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { makeLoan } from "../fixtures/lending";
import { setupClass } from "../fixtures/shares";
import { Browser, startTestServer } from "../http";

/*
 * "Needs your decision" (issue #16 point 2): what waits for each role, from
 * the real workflow functions, and the counts in the main navigation.
 */
const TODAY = "2026-11-25";
let db: Database;
let org: { id: string };
const users: Record<string, { id: string; email: string; password: string }> = {};

const waiting = async (name: string, role: Role) =>
  Object.fromEntries((await decisionsFor(db, { organisationId: org.id, userId: users[name].id, permissions: permissionsFor([role]) }, TODAY)).map((d) => [d.kind, d.count]));

beforeAll(async () => {
  db = await testDb();
  const shares = await setupClass(db);
  org = shares.org;
  for (const [name, role] of [["secretary", "secretary"], ["officer", "loan_officer"], ["c1", "credit_committee"], ["c2", "credit_committee"], ["b1", "board"], ["b2", "board"], ["member", "member"]] as const) {
    users[name] = await makeUser(db, { organisationId: org.id, roles: [role] });
  }
  // Share side: two applications to decide, a transfer to approve, a withdrawal due and one not yet due.
  const m1 = await makeMember(db, org.id, { name: "Ann Waiting" });
  const m2 = await makeMember(db, org.id, { name: "Bob Waiting" });
  const m3 = await makeMember(db, org.id, { name: "Cy Waiting" });
  for (const m of [m1, m2]) await sql`INSERT INTO share_applications (organisation_id, member_id, class_id, shares, applied_on) VALUES (${org.id}, ${m.id}, ${shares.cls.id}, 20, ${TODAY})`.execute(db);
  await sql`INSERT INTO share_transfers (organisation_id, class_id, from_member_id, to_member_id, shares, requested_on) VALUES (${org.id}, ${shares.cls.id}, ${m1.id}, ${m3.id}, 5, ${TODAY})`.execute(db);
  await sql`INSERT INTO withdrawal_requests (organisation_id, member_id, class_id, shares, amount, requested_on, due_on) VALUES (${org.id}, ${m3.id}, ${shares.cls.id}, 5, 500, '2026-08-01', '2026-10-30'), (${org.id}, ${m2.id}, ${shares.cls.id}, 5, 500, ${TODAY}, '2027-02-23')`.execute(db);
  // Lending side: one application with the committee, one submitted, and a write-off proposal by b1.
  const { borrower, product, loan } = await makeLoan(db, org.id, { officerUserId: users.officer.id });
  const input = { borrowerId: borrower.id, productId: product.id, amount: "5000", termPeriods: 12, annualRate: "12", purpose: "Ovens" };
  const atCommittee = await createApplication(db, users.officer.id, org.id, input, TODAY);
  for (const step of [{ intent: "submit" }, { intent: "review", officerNotes: "Seen" }, { intent: "refer" }] as const) await stepApplication(db, users.officer.id, org.id, atCommittee.id, step, TODAY);
  const submitted = await createApplication(db, users.officer.id, org.id, input, TODAY);
  await stepApplication(db, users.officer.id, org.id, submitted.id, { intent: "submit" }, TODAY);
  await castCommitteeVote(db, users.c1.id, org.id, atCommittee.id, { vote: "approve", comment: "Fine" });
  await db.transaction().execute((t) => proposeWriteOff(t, users.b1.id, org.id, loan.id, { onDate: "2026-10-01", note: "Minute 7" }, TODAY));
  // Another organisation's waiting work never counts here.
  const other = await setupClass(db);
  const stranger = await makeMember(db, other.org.id, { name: "Elsewhere" });
  await sql`INSERT INTO share_applications (organisation_id, member_id, class_id, shares, applied_on) VALUES (${other.org.id}, ${stranger.id}, ${other.cls.id}, 20, ${TODAY})`.execute(db);
});

describe("needs your decision", () => {
  it("gives each role what waits for it, and only that", async () => {
    expect(await waiting("secretary", "secretary")).toEqual({ "share-applications": 2, "withdrawals-due": 1 });
    // An applicant without a share application waits for admission on the register; one with it is counted there.
    const applicant = await makeMember(db, org.id, { name: "Dee Applying", status: "applied" });
    expect(await waiting("secretary", "secretary")).toEqual({ "member-admissions": 1, "share-applications": 2, "withdrawals-due": 1 });
    await sql`INSERT INTO share_applications (organisation_id, member_id, class_id, shares, applied_on) SELECT organisation_id, ${applicant.id}, class_id, 10, ${TODAY} FROM share_applications WHERE organisation_id = ${org.id} LIMIT 1`.execute(db);
    expect(await waiting("secretary", "secretary")).toEqual({ "share-applications": 3, "withdrawals-due": 1 });
    expect(await waiting("officer", "loan_officer")).toEqual({ "applications-to-review": 1 });
    expect(await waiting("member", "member")).toEqual({});
  });

  it("does not ask a committee member again once they have voted", async () => {
    expect(await waiting("c1", "credit_committee")).toEqual({});
    expect(await waiting("c2", "credit_committee")).toEqual({ "committee-votes": 1 });
  });

  it("does not ask a board member to decide the write-off they proposed", async () => {
    expect(await waiting("b1", "board")).toEqual({ transfers: 1 });
    expect(await waiting("b2", "board")).toEqual({ transfers: 1, "write-offs": 1 });
    const [writeOff] = (await decisionsFor(db, { organisationId: org.id, userId: users.b2.id, permissions: permissionsFor(["board"]) }, TODAY)).filter((d) => d.kind === "write-offs");
    expect(writeOff.to).toMatch(/^\/loans\/[0-9a-f-]{36}\/write-off$/);
    expect(writeOff.text).toBe("1 write-off proposal to decide");
  });

  it("shows the panel on the dashboard and the counts in the navigation", async () => {
    const server = await startTestServer();
    try {
      const b = new Browser(server.base);
      await b.login(users.b2.email, users.b2.password);
      const html = await (await b.get("/dashboard")).text();
      expect(html).toContain('id="decisions-head"');
      expect(html).toMatch(/<a [^>]*href="\/shares\/transfers"[^>]*>1 share transfer to approve or reject<\/a>/);
      // Share capital: 1 transfer; Lending: 1 write-off.
      expect(html).toMatch(/href="\/shares"[^>]*>Share capital<\/a><span class="nav-count" aria-hidden="true">1<\/span><span class="visually-hidden"> \(1 waiting for your decision\)<\/span>/);
      expect(html).toMatch(/href="\/loans"[^>]*>Lending<\/a><span class="nav-count" aria-hidden="true">1<\/span>/);
      const m = new Browser(server.base);
      await m.login(users.member.email, users.member.password);
      const mine = await (await m.get("/dashboard")).text();
      expect(mine).not.toContain('id="decisions-head"');
      expect(mine).not.toContain("nav-count");
    } finally {
      await server.close();
    }
  });
});
