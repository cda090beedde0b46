/**
 * Matching bank statement credits to share purchases and loan repayments
 * (issue #18 point 2): proposals by reference and by amount and name, bulk
 * confirmation, splits, undo, the database refusing a second live match or
 * an allocation that does not add up, organisations kept apart, and (on
 * PostgreSQL) the same confirmation fired ten times at once posting once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { isRefusal } from "~/domain/refusal";
import { verifyLedger } from "~/models/core/ledger-verify.server";
import { confirmMatch, confirmSureMatches, matchedLines, matchingQueue, proposeStatement, targetByReference, undoMatch, type AllocationInput } from "~/models/treasury/matching.server";
import { reverseTransaction } from "~/models/shares/share-classes-and-holdings.server";
import { createBankAccount, importStatement } from "~/models/treasury/statements.server";
import type { Database } from "~/utils/db.server";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { makeMember } from "../../db/factories";
import { simultaneously } from "../concurrency";
import { testDb, usingPostgres } from "../db";
import { makeLoan } from "../fixtures/lending";
import { setupClass } from "../fixtures/shares";

const TODAY = "2026-11-30";
let db: Database;
beforeAll(async () => {
  db = await testDb();
});

/** A Starling CSV (date, payer, reference, type, amount, balance) of the given credits. */
function starling(rows: [date: string, payer: string, reference: string, amount: string][]) {
  const head = "Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),Spending Category,Notes";
  return new TextEncoder().encode([head, ...rows.map(([d, p, r, a]) => `${d},${p},${r},FASTER PAYMENT,${a},0.00,INCOME,`)].join("\n") + "\n");
}

/** An organisation with a £1 share class, two members, a loan to Ribble Valley Bakers and a bank account. */
async function world() {
  const s = await setupClass(db, { minHolding: "1" });
  const jane = await makeMember(db, s.org.id, { name: "Jane Smith", memberNumber: 45 });
  const tom = await makeMember(db, s.org.id, { name: "Tom Nguyen", memberNumber: 46 });
  const { loan } = await makeLoan(db, s.org.id, { disbursedOn: "2026-01-15" });
  const first = await db.selectFrom("loan_installments").select(["principal", "interest", "fees"]).where("organisation_id", "=", s.org.id).where("loan_id", "=", loan.id).where("n", "=", 1).executeTakeFirstOrThrow();
  const installment = BigInt(first.principal) + BigInt(first.interest) + BigInt(first.fees);
  const accountId = await db.transaction().execute((trx) =>
    createBankAccount(trx, s.org.id, s.user.id, { name: "Current account", bankName: "Starling", accountHolder: "Riverside", sortCode: "608371", accountNumber: "12345678", iban: null, bic: null, currency: "GBP", paymentsIn: true }),
  );
  const pounds = (minor: bigint) => `${minor / 100n}.${String(minor % 100n).padStart(2, "0")}`;
  const load = async (rows: [string, string, string, string][]) => {
    const out = await db.transaction().execute((trx) => importStatement(trx, { organisationId: s.org.id, bankAccountId: accountId, actorUserId: s.user.id, filename: "starling.csv", bytes: starling(rows) }));
    if (!out.ok) throw new Error(JSON.stringify(out));
    const lines = await db.selectFrom("statement_lines").select(["id", "reference", "payer_name", "amount_minor"]).where("organisation_id", "=", s.org.id).where("import_id", "=", out.importId).orderBy("line_number").execute();
    return lines.map((l) => BigInt(l.id));
  };
  return { ...s, jane, tom, loan, installment, accountId, pounds, load };
}
type World = Awaited<ReturnType<typeof world>>;

const member = (id: string, amountMinor: bigint): AllocationInput => ({ target: { kind: "member", memberId: id }, amountMinor });
const loanPart = (id: string, amountMinor: bigint): AllocationInput => ({ target: { kind: "loan", loanId: id }, amountMinor });

const confirm = (w: World, lineId: bigint, allocations: AllocationInput[], how: "manual" | "split" = "manual") =>
  moneyTransaction(db, (trx) => confirmMatch(trx, { organisationId: w.org.id, actorUserId: w.user.id, lineId, allocations, how, today: TODAY }));
const undo = (w: World, lineId: bigint) => moneyTransaction(db, (trx) => undoMatch(trx, { organisationId: w.org.id, actorUserId: w.user.id, lineId, reason: "Wrong member", today: TODAY }));

async function refusalOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isRefusal(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a refusal");
}

const purchases = (w: World, memberId: string) =>
  db.selectFrom("share_transactions").select(["kind", "shares", "amount", "method", "effective_on"]).where("organisation_id", "=", w.org.id).where("member_id", "=", memberId).orderBy("id").execute();
const repayments = (w: World) =>
  db.selectFrom("loan_transactions").select(["kind", "amount", "method", "on_date"]).where("organisation_id", "=", w.org.id).where("loan_id", "=", w.loan.id).where("kind", "in", ["repayment", "reversal"]).orderBy("id").execute();

describe("proposals", () => {
  it("proposes by reference (sure), by installment and name (sure), and by name alone (a suggestion), in one pass over the statement", async () => {
    const w = await world();
    const [byMember, byLoan, byAmount, byName, nothing] = await w.load([
      ["02/02/2026", "J SMITH", "M00045 SHARES", "50.00"],
      ["03/02/2026", "RIBBLE VALLEY BAKERS", "loan 1", w.pounds(w.installment)],
      ["04/02/2026", "RIBBLE VALLEY BAKERS LTD", "FEB", w.pounds(w.installment)],
      ["05/02/2026", "NGUYEN T", "GIFT", "20.00"],
      ["06/02/2026", "ACME WIDGETS", "INV 2231", "13.37"],
    ]);
    const { lines, sure, suggested, proposals } = await proposeStatement(db, w.org.id, w.accountId);
    expect({ lines, sure, suggested }).toEqual({ lines: 5, sure: 3, suggested: 1 });
    expect(proposals.get(byMember)![0]).toMatchObject({ certainty: "sure", target: { kind: "member", memberId: w.jane.id }, reason: "Quotes member reference M00045, the payer J SMITH is Jane Smith; £50.00 buys 50 shares" });
    expect(proposals.get(byLoan)![0]).toMatchObject({ certainty: "sure", target: { kind: "loan", loanId: w.loan.id } });
    expect(proposals.get(byLoan)![0].reason).toMatch(/^Quotes loan reference L00001, the payer RIBBLE VALLEY BAKERS is Ribble Valley Bakers Ltd; £[\d,.]+ is the installment$/);
    expect(proposals.get(byAmount)![0]).toMatchObject({ certainty: "sure", target: { kind: "loan", loanId: w.loan.id } });
    expect(proposals.get(byAmount)![0].reason).toMatch(/^No reference; £[\d,.]+ is the installment of loan L00001/);
    expect(proposals.get(byName)![0]).toMatchObject({ certainty: "suggested", target: { kind: "member", memberId: w.tom.id } });
    expect(proposals.get(nothing)).toEqual([]);
  });

  it("never offers another organisation's member or loan, and refuses to post to one", async () => {
    const w = await world();
    const other = await world(); // its own member 45 (Jane Smith) and loan 1
    const [line] = await w.load([["02/02/2026", "J SMITH", "M00045", "50.00"]]);
    const { proposals } = await proposeStatement(db, w.org.id, w.accountId);
    const offered = proposals.get(line)!.map((p) => (p.target.kind === "member" ? p.target.memberId : p.target.loanId));
    expect(offered).toEqual([w.jane.id]);
    expect(offered).not.toContain(other.jane.id);
    expect(await refusalOf(confirm(w, line, [member(other.jane.id, 5_000n)]))).toEqual({ code: "refused", message: "There is no such member." });
    expect(await refusalOf(confirm(w, line, [loanPart(other.loan.id, 5_000n)]))).toMatchObject({ message: "There is no such loan." });
    expect(await targetByReference(db, w.org.id, "M45")).toEqual({ kind: "member", memberId: w.jane.id });
    // Another organisation cannot see or confirm this organisation's line.
    expect(await refusalOf(confirm(other, line, [member(other.jane.id, 5_000n)]))).toMatchObject({ code: "not-found" });
    expect(await purchases(other, other.jane.id)).toEqual([]);
    expect(await purchases(w, w.jane.id)).toEqual([]);
  });
});

describe("confirming", () => {
  it("posts a share purchase by bank transfer and a loan repayment by bank, through the ledgers, audited, and takes the lines off the queue", async () => {
    const w = await world();
    const [shares, repayment] = await w.load([
      ["02/02/2026", "J SMITH", "M00045", "50.00"],
      ["16/02/2026", "RIBBLE VALLEY BAKERS", "L00001", w.pounds(w.installment)],
    ]);
    expect(await confirm(w, shares, [member(w.jane.id, 5_000n)])).toMatchObject({ ok: true, already: false });
    expect(await confirm(w, repayment, [loanPart(w.loan.id, w.installment)])).toMatchObject({ ok: true, already: false });
    expect(await purchases(w, w.jane.id)).toEqual([{ kind: "purchase", shares: 50, amount: 5_000n, method: "bank_transfer", effective_on: "2026-02-02" }]);
    expect(await repayments(w)).toEqual([{ kind: "repayment", amount: w.installment, method: "bank", on_date: "2026-02-16" }]);
    const audit = await db.selectFrom("audit_events").select(["action", "entity_id"]).where("organisation_id", "=", w.org.id).where("action", "=", "statement_line.matched").execute();
    expect(audit.map((a) => a.entity_id).sort()).toEqual([String(shares), String(repayment)].sort());
    expect((await matchingQueue(db, w.org.id, w.accountId, { page: 1, pageSize: 50 })).total).toBe(0);
    expect((await matchedLines(db, w.org.id, w.accountId)).map((m) => m.parts.map((p) => p.label))).toEqual([["Ribble Valley Bakers Ltd (L00001): repayment"], ["Jane Smith (M00045): shares"]]);
    expect(await verifyLedger(db, w.org.id)).toEqual([]);
  });

  it("confirms the sure matches chosen in bulk, and leaves a line that is only a suggestion in the queue with the reason", async () => {
    const w = await world();
    const ids = await w.load([
      ["02/02/2026", "J SMITH", "M00045", "50.00"],
      ["03/02/2026", "T NGUYEN", "M46", "25.00"],
      ["16/02/2026", "RIBBLE VALLEY BAKERS", "", w.pounds(w.installment)],
      ["17/02/2026", "NGUYEN T", "", "20.00"],
    ]);
    const out = await confirmSureMatches(db, { organisationId: w.org.id, actorUserId: w.user.id, lineIds: ids, today: TODAY });
    expect(out.confirmed).toBe(3);
    expect(out.refusals.map((r) => r.reason)).toEqual(["2026-02-17 £20.00: no longer a sure match; see its suggestions."]);
    // Again: nothing posts twice.
    const again = await confirmSureMatches(db, { organisationId: w.org.id, actorUserId: w.user.id, lineIds: ids.slice(0, 3), today: TODAY });
    expect(again.confirmed).toBe(0);
    expect(await purchases(w, w.tom.id)).toHaveLength(1);
    expect(await repayments(w)).toHaveLength(1);
    const queue = await matchingQueue(db, w.org.id, w.accountId, { page: 1, pageSize: 50 });
    expect(queue.lines.map((l) => l.id)).toEqual([ids[3]]);
    expect(queue.lines[0].proposals[0].reason).toBe("No reference; the payer's name is like Tom Nguyen's; £20.00 buys 20 shares");
  });

  it("splits one line across a member and a loan, the parts adding up to the line exactly", async () => {
    const w = await world();
    const total = w.installment + 3_000n;
    const [line] = await w.load([["16/02/2026", "J SMITH", "M45 L1", w.pounds(total)]]);
    const tooMuch = await refusalOf(confirm(w, line, [member(w.jane.id, 3_000n), loanPart(w.loan.id, w.installment + 1n)], "split"));
    expect(tooMuch.message).toMatch(/^The parts add up to £[\d,.]+, but the line is £[\d,.]+: they must add up to the line exactly\.$/);
    expect(await refusalOf(confirm(w, line, [member(w.jane.id, 3_050n), loanPart(w.loan.id, w.installment - 50n)], "split"))).toMatchObject({ message: "£30.50 for Jane Smith is not a whole number of £1.00 shares in Community Shares." });
    expect(await purchases(w, w.jane.id)).toEqual([]);
    expect(await repayments(w)).toEqual([]);
    await confirm(w, line, [member(w.jane.id, 3_000n), loanPart(w.loan.id, w.installment)], "split");
    expect(await purchases(w, w.jane.id)).toMatchObject([{ kind: "purchase", shares: 30, amount: 3_000n }]);
    expect(await repayments(w)).toMatchObject([{ kind: "repayment", amount: w.installment }]);
    const parts = await db.selectFrom("statement_match_allocations").select(["position", "amount_minor", "member_id", "loan_id"]).where("organisation_id", "=", w.org.id).orderBy("position").execute();
    expect(parts).toEqual([
      { position: 1, amount_minor: w.installment, member_id: null, loan_id: w.loan.id },
      { position: 2, amount_minor: 3_000n, member_id: w.jane.id, loan_id: null },
    ]);
    expect(await verifyLedger(db, w.org.id)).toEqual([]);
  });
});

describe("undoing and over-allocation", () => {
  it("undoes a match by reversing each posting, then lets the line be matched again", async () => {
    const w = await world();
    const total = w.installment + 2_000n;
    const [line] = await w.load([["16/02/2026", "J SMITH", "M45 L1", w.pounds(total)]]);
    await confirm(w, line, [member(w.jane.id, 2_000n), loanPart(w.loan.id, w.installment)], "split");
    expect(await undo(w, line)).toMatchObject({ ok: true });
    expect((await purchases(w, w.jane.id)).map((t) => [t.kind, t.amount])).toEqual([["purchase", 2_000n], ["reversal", 2_000n]]);
    expect((await repayments(w)).map((t) => [t.kind, t.amount])).toEqual([["repayment", w.installment], ["reversal", w.installment]]);
    const holding = await db.selectFrom("share_holdings").select("shares").where("organisation_id", "=", w.org.id).where("member_id", "=", w.jane.id).executeTakeFirstOrThrow();
    expect(BigInt(holding.shares)).toBe(0n);
    expect((await matchingQueue(db, w.org.id, w.accountId, { page: 1, pageSize: 50 })).total).toBe(1);
    expect(await refusalOf(undo(w, line))).toMatchObject({ code: "conflict" });
    // Round 2: the shares were Tom's.
    await confirm(w, line, [member(w.tom.id, 2_000n), loanPart(w.loan.id, w.installment)], "split");
    expect((await purchases(w, w.tom.id)).map((t) => [t.kind, t.amount])).toEqual([["purchase", 2_000n]]);
    const rounds = await db.selectFrom("statement_matches").select(["round", "kind"]).where("organisation_id", "=", w.org.id).orderBy("id").execute();
    expect(rounds).toEqual([{ round: 1, kind: "match" }, { round: 1, kind: "reversal" }, { round: 2, kind: "match" }]);
    const audit = await db.selectFrom("audit_events").select("action").where("organisation_id", "=", w.org.id).where("action", "like", "statement_line.%").orderBy("seq").execute();
    expect(audit.map((a) => a.action)).toEqual(["statement_line.matched", "statement_line.match_undone", "statement_line.matched"]);
    expect(await verifyLedger(db, w.org.id)).toEqual([]);
  });

  it("refuses to undo a share purchase already reversed on the share ledger, and writes nothing", async () => {
    const w = await world();
    const [line] = await w.load([["02/02/2026", "J SMITH", "M00045", "50.00"]]);
    const { matchId } = await confirm(w, line, [member(w.jane.id, 5_000n)]);
    const alloc = await db.selectFrom("statement_match_allocations").select("share_transaction_id").where("organisation_id", "=", w.org.id).where("match_id", "=", BigInt(matchId)).executeTakeFirstOrThrow();
    await db.transaction().execute((trx) => reverseTransaction(trx, w.user.id, w.org.id, BigInt(alloc.share_transaction_id!), TODAY, "by hand"));
    expect(await refusalOf(undo(w, line))).toEqual({ code: "conflict", message: "The share purchase this payment made has already been reversed on the share ledger." });
    expect(await db.selectFrom("statement_matches").select("kind").where("organisation_id", "=", w.org.id).execute()).toEqual([{ kind: "match" }]);
  });

  it("answers the same confirmation again with the first match, refuses a different one, and the database refuses a second live match or parts that do not add up", async () => {
    const w = await world();
    const [line, other] = await w.load([["02/02/2026", "J SMITH", "M00045", "50.00"], ["03/02/2026", "J SMITH", "M00045", "60.00"]]);
    const first = await confirm(w, line, [member(w.jane.id, 5_000n)]);
    expect(await confirm(w, line, [member(w.jane.id, 5_000n)])).toEqual({ ...first, already: true });
    expect(await refusalOf(confirm(w, line, [member(w.tom.id, 5_000n)]))).toEqual({ code: "conflict", message: "This payment is already matched to something else. Undo that match first if it was wrong." });
    expect(await purchases(w, w.jane.id)).toHaveLength(1);
    expect(await purchases(w, w.tom.id)).toHaveLength(0);
    const row = { organisation_id: w.org.id, statement_line_id: line, amount_minor: 5_000n, how: "manual" as const, recorded_by: w.user.id };
    await expect(db.insertInto("statement_matches").values({ ...row, round: 1, kind: "match", prior_round: null, prior_kind: null }).execute()).rejects.toThrow(/duplicate key|unique/i);
    await expect(db.insertInto("statement_matches").values({ ...row, round: 2, kind: "match", prior_round: 1, prior_kind: "reversal" }).execute()).rejects.toThrow(/foreign key/i);
    await expect(db.insertInto("statement_matches").values({ ...row, amount_minor: 4_000n, round: 1, kind: "match", prior_round: null, prior_kind: null, statement_line_id: other }).execute()).rejects.toThrow(/foreign key/i);
    // A match whose parts come to less than the line is refused at commit.
    const tx = await db.selectFrom("share_transactions").select("id").where("organisation_id", "=", w.org.id).executeTakeFirstOrThrow();
    await expect(
      db.transaction().execute(async (trx) => {
        const m = await trx.insertInto("statement_matches").values({ ...row, statement_line_id: other, amount_minor: 6_000n, round: 1, kind: "match", prior_round: null, prior_kind: null }).returning("id").executeTakeFirstOrThrow();
        await trx.insertInto("statement_match_allocations").values({ organisation_id: w.org.id, match_id: m.id, position: 1, amount_minor: 5_000n, member_id: w.jane.id, share_transaction_id: BigInt(tx.id) }).execute();
      }),
    ).rejects.toThrow(/do not equal|duplicate key/);
    await expect(db.updateTable("statement_matches").set({ reason: "x" }).where("organisation_id", "=", w.org.id).execute()).rejects.toThrow(/append-only/);
  });
});

describe.skipIf(!usingPostgres())("on PostgreSQL, at once", () => {
  it("posts the same confirmation fired ten times at once exactly once, and the ledger stays consistent", async () => {
    const w = await world();
    const [shares, repayment] = await w.load([
      ["02/02/2026", "J SMITH", "M00045", "50.00"],
      ["16/02/2026", "RIBBLE VALLEY BAKERS", "L00001", w.pounds(w.installment)],
    ]);
    const a = await simultaneously(10, () => confirm(w, shares, [member(w.jane.id, 5_000n)]));
    const b = await simultaneously(10, () => confirm(w, repayment, [loanPart(w.loan.id, w.installment)]));
    expect(a.filter((r) => !r.already)).toHaveLength(1);
    expect(b.filter((r) => !r.already)).toHaveLength(1);
    expect(new Set(a.map((r) => r.matchId)).size).toBe(1);
    expect(await purchases(w, w.jane.id)).toHaveLength(1);
    expect(await repayments(w)).toHaveLength(1);
    // Undo fired ten times at once: one reversal, nine told it is already undone.
    const undos = await Promise.allSettled(Array.from({ length: 10 }, () => undo(w, shares)));
    expect(undos.filter((u) => u.status === "fulfilled")).toHaveLength(1);
    expect(await purchases(w, w.jane.id)).toHaveLength(2);
    expect(await verifyLedger(db, w.org.id)).toEqual([]);
  });
});
