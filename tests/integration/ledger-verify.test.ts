/**
 * `npm run ledger:verify`: a sound organisation passes; each money invariant
 * broken deliberately (a direct UPDATE or INSERT behind the models' back) on
 * a throwaway organisation is named, with the row that breaks it, and the
 * command exits 1.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "~/models/core/ledger-verify.server";
import { loanInstallments, recordRepayment, reversePayout, writeOffLoan } from "~/models/lending/loans.server";
import { recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { postJournal } from "~/models/treasury/journal.server";
import type { Database } from "~/utils/db.server";
import { verifyAllLedgers } from "../../scripts/ledger-verify";
import { makeMember } from "../../db/factories";
import { testDb } from "../db";
import { makeLoan } from "../fixtures/lending";
import { setupClass } from "../fixtures/shares";

let db: Database;
beforeAll(async () => {
  db = await testDb();
});

const TODAY = "2026-11-25";

/** An organisation with a member holding shares, a loan part-repaid with a prepayment, and a written-off loan. */
async function soundOrganisation() {
  const { org, cls } = await setupClass(db);
  const member = await makeMember(db, org.id, { name: "Ada Lovelace", memberNumber: 7 });
  const bought = await db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: null, memberId: member.id, classId: cls.id, shares: 50, on: "2026-02-01", method: "cash" }));
  if (!bought.ok) throw new Error(bought.reason);
  const { loan } = await makeLoan(db, org.id, { amount: 1_200_000n, termPeriods: 12, disbursedOn: "2026-01-15" });
  const l = loan.id;
  await recordRepayment(db, null, org.id, l, { amount: 106_619n, onDate: "2026-02-15", method: "bank" }, TODAY);
  await recordRepayment(db, null, org.id, loan.id, { amount: 400_000n, onDate: "2026-03-01", method: "bank" }, TODAY);
  const other = await makeLoan(db, org.id, { amount: 300_000n, termPeriods: 6, disbursedOn: "2026-01-15" });
  await writeOffLoan(db, null, org.id, other.loan.id, "2026-09-01", "gone", TODAY);
  return { org, cls, member, loanId: loan.id, reference: loan.reference };
}

describe("ledger:verify", () => {
  it("passes an organisation whose money adds up", async () => {
    const { org } = await soundOrganisation();
    expect(await verifyLedger(db, org.id)).toEqual([]);
  });

  it("passes a pay-out reversed as recorded in error (it lent nothing), and still names a reversed loan paid out again behind its back", async () => {
    const { org } = await soundOrganisation();
    const { loan } = await makeLoan(db, org.id, { amount: 500_000n, termPeriods: 6, disbursedOn: "2026-10-01" });
    await reversePayout(db, null, org.id, loan.id, { onDate: "2026-10-02", note: "wrong borrower" }, TODAY);
    expect(await verifyLedger(db, org.id)).toEqual([]);
    await sql`INSERT INTO loan_transactions (organisation_id, loan_id, kind, amount, principal_part, on_date) VALUES (${org.id}, ${loan.id}, 'disbursement', 500000, 500000, '2026-10-03')`.execute(db);
    expect((await verifyLedger(db, org.id)).map((b) => b.check)).toContain("loan-disbursed");
  });

  it("names a holding that differs from its share transactions", async () => {
    const { org, member } = await soundOrganisation();
    await sql`UPDATE share_holdings SET shares = shares + 3, value = value + 300 WHERE organisation_id = ${org.id} AND member_id = ${member.id}`.execute(db);
    const breaks = await verifyLedger(db, org.id);
    expect(breaks.map((b) => b.check)).toEqual(["holdings"]);
    expect(breaks[0].row).toBe("share_holdings member 7 (Ada Lovelace), class Community Shares: holds 53 shares worth 53.00 but the share transactions add up to 50 shares worth 50.00");
  });

  it("names a loan whose balance is not disbursed − repaid − written off", async () => {
    const { org, loanId, reference } = await soundOrganisation();
    const last = (await loanInstallments(db, org.id, loanId)).at(-1)!;
    await sql`UPDATE loan_installments SET principal = principal + 500 WHERE organisation_id = ${org.id} AND loan_id = ${loanId} AND n = ${last.n}`.execute(db);
    const breaks = await verifyLedger(db, org.id);
    expect(breaks.map((b) => b.check)).toEqual(["loan-balance"]);
    expect(breaks[0].row).toMatch(new RegExp(`^loan ${reference}: balance \\d+\\.\\d\\d .* = \\d+\\.\\d\\d$`));
    const [, shown, expected] = /balance (\d+\.\d\d) .* = (\d+\.\d\d)$/.exec(breaks[0].row)!;
    expect(Math.round((Number(shown) - Number(expected)) * 100)).toBe(500);
  });

  it("names an installment the allocation lines pay more than it owes", async () => {
    const { org, loanId, reference } = await soundOrganisation();
    const tx = await db.selectFrom("loan_transactions").select("id").where("organisation_id", "=", org.id).where("loan_id", "=", loanId).where("kind", "=", "repayment").orderBy("id", "desc").executeTakeFirstOrThrow();
    const first = (await loanInstallments(db, org.id, loanId))[0];
    await db.insertInto("loan_allocation_lines").values({ organisation_id: org.id, transaction_id: tx.id, loan_id: loanId, n: first.n, component: "interest", amount: 1_000n }).execute();
    const breaks = await verifyLedger(db, org.id);
    const over = breaks.find((b) => b.check === "installment-overpaid");
    expect(over?.row).toBe(`loan ${reference} installment 1 interest: owes ${(Number(first.interest) / 100).toFixed(2)} but the allocation lines pay ${(Number(first.interest + 1_000n) / 100).toFixed(2)} (recorded as paid: ${(Number(first.paid_interest) / 100).toFixed(2)})`);
    expect(breaks.map((b) => b.check)).toContain("installment-paid-mismatch");
  });

  it("names a loan closed with principal still owed (a written-off one, closed, passes)", async () => {
    const { org } = await soundOrganisation();
    const wo = await db.selectFrom("loans").select(["id", "reference"]).where("organisation_id", "=", org.id).where("status", "=", "written_off").executeTakeFirstOrThrow();
    await sql`UPDATE loans SET status = 'closed', closed_on = '2026-09-01' WHERE organisation_id = ${org.id} AND id = ${wo.id}`.execute(db);
    const breaks = await verifyLedger(db, org.id);
    expect(breaks).toEqual([]);
    const loan = await db.selectFrom("loans").select(["id", "reference"]).where("organisation_id", "=", org.id).where("status", "=", "active").executeTakeFirstOrThrow();
    await sql`UPDATE loans SET status = 'closed', closed_on = '2026-09-01' WHERE organisation_id = ${org.id} AND id = ${loan.id}`.execute(db);
    const after = await verifyLedger(db, org.id);
    expect(after.map((b) => b.check)).toEqual(["loan-left-after-close"]);
    expect(after[0].row).toMatch(new RegExp(`^loan ${loan.reference}: closed with a balance of \\d+\\.\\d\\d left$`));
  });

  it("names a journal account whose day totals differ from its lines (what the trial balance adds up)", async () => {
    const { org } = await soundOrganisation();
    expect((await postJournal(db, org.id)).posted).toBeGreaterThan(0);
    expect(await verifyLedger(db, org.id)).toEqual([]);
    const day = await db.selectFrom("journal_day_totals").select(["entry_date", "account_code", "debit", "credit", "lines"]).where("organisation_id", "=", org.id).where("debit", ">", 0n).orderBy("entry_date").orderBy("account_code").executeTakeFirstOrThrow();
    await sql`UPDATE journal_day_totals SET debit = debit + 250 WHERE organisation_id = ${org.id} AND entry_date = ${day.entry_date} AND account_code = ${day.account_code}`.execute(db);
    const breaks = await verifyLedger(db, org.id);
    expect(breaks).toEqual([{
      check: "journal-day-totals",
      rows: 1,
      row: `journal account ${day.account_code} on ${day.entry_date}: the day totals hold debits ${BigInt(day.debit) + 250n}, credits ${day.credit} over ${day.lines} lines (minor units) but its journal lines add up to debits ${day.debit}, credits ${day.credit} over ${day.lines} lines`,
    }]);
    // A day with lines and no totals at all is named too.
    await sql`DELETE FROM journal_day_totals WHERE organisation_id = ${org.id} AND NOT (entry_date = ${day.entry_date} AND account_code = ${day.account_code})`.execute(db);
    expect((await verifyLedger(db, org.id))[0].rows).toBeGreaterThan(1);
  });

  it("the command names the broken organisation and exits 1", async () => {
    const { org, member } = await soundOrganisation();
    await sql`UPDATE share_holdings SET shares = shares - 1, value = value - 100 WHERE organisation_id = ${org.id} AND member_id = ${member.id}`.execute(db);
    const lines: string[] = [];
    const code = await verifyAllLedgers(db, (l) => lines.push(l));
    expect(code).toBe(1);
    const slug = (await db.selectFrom("organisations").select("slug").where("id", "=", org.id).executeTakeFirstOrThrow()).slug;
    expect(lines).toContain(`BROKEN  ${slug}: holdings: share_holdings member 7 (Ada Lovelace), class Community Shares: holds 49 shares worth 49.00 but the share transactions add up to 50 shares worth 50.00`);
  });
});
