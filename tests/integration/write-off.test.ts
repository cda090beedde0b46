/**
 * A write-off takes two board members: one proposes, another approves (the
 * loan is written off) or rejects; the proposer may withdraw. Over HTTP, as
 * the board uses it.
 */
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import type { Database } from "~/utils/db.server";
import { CONFIRMATION_MISSING } from "~/schemas/common";
import { makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { makeLoan } from "../fixtures/lending";
import { Browser, startTestServer, type TestServer } from "../http";

let db: Database;
let server: TestServer;
let orgId: string;
const board: Record<"ann" | "bob", Browser> = {} as never;

beforeAll(async () => {
  db = await testDb();
  server = await startTestServer();
  orgId = (await makeOrganisation(db)).id;
  for (const name of ["ann", "bob"] as const) {
    const user = await makeUser(db, { organisationId: orgId, roles: ["board"], name: `Board ${name}` });
    board[name] = new Browser(server.base);
    await board[name].login(user.email, user.password);
  }
});
afterAll(async () => server?.close());

const loanState = async (loanId: string) => {
  const loan = await db.selectFrom("loans").select(["status", "written_off_on"]).where("id", "=", loanId).executeTakeFirstOrThrow();
  const writeOffs = await db.selectFrom("loan_transactions").select(["amount", "note"]).where("loan_id", "=", loanId).where("kind", "=", "write_off").execute();
  return { ...loan, writeOffs };
};
const proposals = (loanId: string) => db.selectFrom("loan_write_off_proposals").select(["id", "decision", "decided_by", "decision_note"]).where("loan_id", "=", loanId).orderBy("proposed_at").execute();

describe("writing off a loan", () => {
  it("needs a second board member to approve what the first proposed", async () => {
    const { loan } = await makeLoan(db, orgId, { disbursedOn: "2026-01-15" });
    const proposed = await board.ann.post(`/loans/${loan.id}/write-off`, { intent: "propose", onDate: "2026-10-31", note: "Board minute 2026/52: the business has closed" });
    expect(proposed.status).toBe(302);
    expect(await loanState(loan.id)).toMatchObject({ status: "active", writeOffs: [] });
    expect(await (await board.bob.get(`/loans/${loan.id}`)).text()).toContain("a second board member decides");
    const [proposal] = await proposals(loan.id);

    // The proposer cannot approve it.
    const own = await (await board.ann.post(`/loans/${loan.id}/write-off`, { intent: "approve", proposalId: proposal.id, confirmed: "yes" })).text();
    expect(own).toContain("You proposed this write-off, so another board member must decide on it");
    // Rejecting needs a reason.
    expect(await (await board.bob.post(`/loans/${loan.id}/write-off`, { intent: "reject", proposalId: proposal.id, note: "" })).text()).toContain("Say why the write-off is rejected");
    expect(await loanState(loan.id)).toMatchObject({ status: "active", writeOffs: [] });

    // Approving writes the loan off for good: without the confirmation it is refused and the loan is untouched.
    expect(await (await board.bob.post(`/loans/${loan.id}/write-off`, { intent: "approve", proposalId: proposal.id })).text()).toContain(CONFIRMATION_MISSING);
    expect((await db.selectFrom("loans").select("status").where("id", "=", loan.id).executeTakeFirstOrThrow()).status).not.toBe("written_off");
    expect((await board.bob.post(`/loans/${loan.id}/write-off`, { intent: "approve", proposalId: proposal.id, confirmed: "yes" })).status).toBe(302);
    const after = await loanState(loan.id);
    expect(after).toMatchObject({ status: "written_off", written_off_on: "2026-10-31" });
    expect(after.writeOffs).toHaveLength(1);
    expect(after.writeOffs[0].note).toContain("Board minute 2026/52");
    expect((await proposals(loan.id))[0]).toMatchObject({ decision: "approved" });
    const audit = await db.selectFrom("audit_events").select("action").where("organisation_id", "=", orgId).where("entity_id", "=", loan.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["loan.write_off_proposed", "loan.written_off", "loan.write_off_approved"]));
    // Decided once: approving again changes nothing.
    expect(await (await board.ann.post(`/loans/${loan.id}/write-off`, { intent: "approve", proposalId: proposal.id, confirmed: "yes" })).text()).toContain("already been decided");
    expect((await loanState(loan.id)).writeOffs).toHaveLength(1);
  });

  it("lets the second member reject it and the proposer withdraw it, leaving the loan as it was", async () => {
    const { loan } = await makeLoan(db, orgId, { disbursedOn: "2026-01-15" });
    await board.ann.post(`/loans/${loan.id}/write-off`, { intent: "propose", onDate: "2026-10-31", note: "Minute 2026/53" });
    const [first] = await proposals(loan.id);
    // Only the proposer withdraws.
    expect(await (await board.bob.post(`/loans/${loan.id}/write-off`, { intent: "withdraw", proposalId: first.id })).text()).toContain("Only the board member who proposed");
    expect((await board.bob.post(`/loans/${loan.id}/write-off`, { intent: "reject", proposalId: first.id, note: "Repayment plan agreed" })).status).toBe(302);
    await board.bob.post(`/loans/${loan.id}/write-off`, { intent: "propose", onDate: "2026-11-02", note: "Minute 2026/54" });
    const second = (await proposals(loan.id))[1];
    expect((await board.bob.post(`/loans/${loan.id}/write-off`, { intent: "withdraw", proposalId: second.id })).status).toBe(302);
    expect((await proposals(loan.id)).map((p) => p.decision)).toEqual(["rejected", "withdrawn"]);
    expect(await loanState(loan.id)).toMatchObject({ status: "active", writeOffs: [] });
  });

  it("keeps one proposal waiting per loan, also when two are made at once", async () => {
    const { loan } = await makeLoan(db, orgId, { disbursedOn: "2026-01-15" });
    const both = await Promise.all([
      board.ann.post(`/loans/${loan.id}/write-off`, { intent: "propose", onDate: "2026-10-31", note: "Minute A" }),
      board.bob.post(`/loans/${loan.id}/write-off`, { intent: "propose", onDate: "2026-10-31", note: "Minute B" }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 302]);
    expect(await (both.find((r) => r.status === 200)!).text()).toContain("already waiting for a second board member");
    expect(await proposals(loan.id)).toHaveLength(1);
  });
});
