/**
 * The books (issue #18 point 4): the journal derived from the ledgers of a
 * book with every kind of money event balances entry by entry, posts each
 * event once however often it runs, and its trial balance ties to the
 * register (share capital) and the loan book (loans receivable) as at any
 * date. Exporting a period locks it: an event dated inside it later posts
 * on the first open day and the period's figures and file never change.
 */
import { parse } from "csv-parse/sync";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS } from "~/domain/treasury/postings";
import { JOB_KINDS } from "../../server/jobs";
import { createInterestPreview, approveInterestRun, postInterestRun } from "~/models/shares/interest-runs.server";
import { verifyLedger } from "~/models/core/ledger-verify.server";
import { loanTransactions, recordRepayment, reversePayout, reverseRepayment, writeOffLoan } from "~/models/lending/loans.server";
import { registerRows } from "~/models/shares/register.server";
import { decideTransfer, requestTransfer } from "~/models/shares/transfers.server";
import { recordPurchase, reverseTransaction } from "~/models/shares/share-classes-and-holdings.server";
import { exportJournal } from "~/models/treasury/journal-export.server";
import { chartOfAccounts, lockedThrough, postJournal, trialBalance, unbalancedEntries, updateChartMapping } from "~/models/treasury/journal.server";
import { payDueWithdrawals, requestWithdrawal } from "~/models/shares/withdrawals.server";
import { annualFigures } from "~/models/impact/impact-figures.server";
import type { Database } from "~/utils/db.server";
import { enqueueJob, getJob } from "~/utils/jobs.server";
import { makeMember, makeUser } from "../../db/factories";
import { testDb, usingPostgres } from "../db";
import { makeLoan } from "../fixtures/lending";
import { setupClass } from "../fixtures/shares";
import { runJobsUntil } from "../run-jobs";

let db: Database;
beforeAll(async () => {
  db = await testDb();
});

const TODAY = "2026-11-25";

async function buy(orgId: string, actor: string, memberId: string, classId: string, shares: number, on: string, method: "cash" | "card" | "bank_transfer") {
  const r = await db.transaction().execute((trx) => recordPurchase(trx, { organisationId: orgId, actorUserId: actor, memberId, classId, shares, on, method }));
  if (!r.ok) throw new Error(r.reason);
  return r;
}

/**
 * A book with shares bought (cash, card, bank), one purchase reversed, a
 * transfer, a withdrawal paid, interest on shares in cash, loans paid out
 * (one with an arrangement fee), repaid by bank and by card, a repayment
 * reversed, a write-off, a pay-out reversed, and a card payment that could
 * not be applied and was refunded.
 */
async function book() {
  const { org, user: secretary, cls } = await setupClass(db, { minHolding: "10", noticeDays: "30", transferable: "on" });
  const board = await makeUser(db, { organisationId: org.id, roles: ["board"] });
  const ann = await makeMember(db, org.id, { name: "Ann Books", on: "2025-06-01" });
  const ben = await makeMember(db, org.id, { name: "Ben Books", on: "2025-06-01" });
  await buy(org.id, secretary.id, ann.id, cls.id, 500, "2026-01-10", "cash");
  await buy(org.id, secretary.id, ben.id, cls.id, 200, "2026-01-12", "card");
  const mistaken = await buy(org.id, secretary.id, ann.id, cls.id, 30, "2026-02-01", "bank_transfer");
  await db.transaction().execute((trx) => reverseTransaction(trx, secretary.id, org.id, mistaken.transactionId, "2026-02-03", "keyed twice"));
  const transfer = await db.transaction().execute((trx) => requestTransfer(trx, secretary.id, org.id, { classId: cls.id, fromMemberId: ann.id, toMemberId: ben.id, shares: 100, on: "2026-03-01" }));
  if (!transfer.ok) throw new Error(transfer.reason);
  const decided = await db.transaction().execute((trx) => decideTransfer(trx, board.id, org.id, transfer.id, "approve", "2026-03-02", ""));
  expect(decided?.ok).toBe(true);
  const notice = await db.transaction().execute((trx) => requestWithdrawal(trx, { organisationId: org.id, actorUserId: secretary.id, memberId: ben.id, classId: cls.id, shares: 50, leaving: false, on: "2026-03-10" }));
  if (!notice.ok) throw new Error(notice.reason);
  await db.transaction().execute((trx) => payDueWithdrawals(trx, secretary.id, org.id, "2026-05-01"));
  const run = await db.transaction().execute((trx) => createInterestPreview(trx, secretary.id, org.id, { classId: cls.id, from: "2026-01-01", to: "2026-06-30", rate: 300, payAs: "cash", rounding: "down" }));
  if (!run.ok) throw new Error(run.reason);
  expect((await db.transaction().execute((trx) => approveInterestRun(trx, board.id, org.id, run.runId)))?.ok).toBe(true);
  expect((await db.transaction().execute((trx) => postInterestRun(trx, secretary.id, org.id, run.runId, "2026-07-01")))?.ok).toBe(true);

  const { loan } = await makeLoan(db, org.id, { amount: 1_200_000n, termPeriods: 12, disbursedOn: "2026-01-15", product: { arrangementFee: "150" } });
  await recordRepayment(db, null, org.id, loan.id, { amount: 106_619n, onDate: "2026-02-15", method: "bank" }, TODAY);
  await recordRepayment(db, null, org.id, loan.id, { amount: 106_619n, onDate: "2026-03-15", method: "card" }, TODAY);
  const wrong = await recordRepayment(db, null, org.id, loan.id, { amount: 50_000n, onDate: "2026-04-15", method: "bank" }, TODAY);
  await reverseRepayment(db, null, org.id, loan.id, BigInt(wrong.transactionId), "2026-04-16", "bounced", TODAY);
  const bad = await makeLoan(db, org.id, { amount: 300_000n, termPeriods: 6, disbursedOn: "2026-01-20" });
  await writeOffLoan(db, null, org.id, bad.loan.id, "2026-09-01", "ceased trading", TODAY);
  const mistake = await makeLoan(db, org.id, { amount: 500_000n, termPeriods: 6, disbursedOn: "2026-10-01" });
  await reversePayout(db, null, org.id, mistake.loan.id, { onDate: "2026-10-02", note: "wrong borrower" }, TODAY);

  // A card payment Stripe took that could not be applied, then refunded: the state the webhook and the
  // refund job leave (tests/integration/card-refunds.test.ts drives those through the Stripe fake).
  const stripeId = crypto.randomUUID().slice(0, 8);
  await db.insertInto("payments").values({
    organisation_id: org.id, member_id: ann.id, class_id: cls.id, shares: 15, amount: 1_500n, method: "card", status: "failed", idempotency_key: crypto.randomUUID(),
    stripe_session_id: `cs_books_${stripeId}`, failure: "Refund needed: over the maximum", paid_at: "2026-06-10T23:30:00Z", refund_status: "refunded", stripe_payment_intent: `pi_books_${stripeId}`,
    stripe_refund_id: `re_books_${stripeId}`, refunded_at: "2026-06-12T09:00:00Z",
  }).execute();
  expect(await verifyLedger(db, org.id)).toEqual([]);
  return { org, secretary, board, cls, ann, ben, loanId: loan.id, badLoanId: bad.loan.id };
}

/** Paid-up share capital as the register shows it as at a date (from the share ledger). */
async function registerCapital(orgId: string, asAt: string) {
  let total = 0n;
  for await (const row of registerRows(db, orgId, { asAt, fromLedger: true, status: "all" })) total += row.totalAmountPaid;
  return total;
}

/**
 * Principal outstanding as the loan book shows it as at a date: what each loan paid out (unless its
 * pay-out was reversed by then), less principal its installments had been paid (allocation lines of
 * transactions dated by then), less what was written off by then.
 */
async function loanBook(orgId: string, asAt: string) {
  const { rows } = await sql<{ total: string }>`
    SELECT (
      COALESCE((SELECT SUM(principal) FROM loans WHERE organisation_id = ${orgId} AND disbursed_on <= ${asAt} AND NOT (status = 'reversed' AND reversed_on <= ${asAt})), 0)
      - COALESCE((SELECT SUM(a.amount) FROM loan_allocation_lines a JOIN loan_transactions t ON t.organisation_id = a.organisation_id AND t.id = a.transaction_id
                   WHERE a.organisation_id = ${orgId} AND a.component = 'principal' AND t.on_date <= ${asAt}), 0)
      - COALESCE((SELECT SUM(l.principal - (SELECT COALESCE(SUM(i.paid_principal), 0) FROM loan_installments i WHERE i.organisation_id = l.organisation_id AND i.loan_id = l.id))
                   FROM loans l WHERE l.organisation_id = ${orgId} AND l.status = 'written_off' AND l.written_off_on <= ${asAt}), 0)
    )::text AS total`.execute(db);
  return BigInt(rows[0].total);
}

const balanceOf = (tb: Awaited<ReturnType<typeof trialBalance>>, code: string) => tb.rows.find((r) => r.code === code)!.closing;
const DATES = ["2026-01-10", "2026-01-31", "2026-02-02", "2026-02-28", "2026-03-31", "2026-04-15", "2026-04-30", "2026-06-11", "2026-07-31", "2026-09-30", "2026-10-01", TODAY];

describe("the books", () => {
  it("posts every money event once, balanced, and ties to the register and the loan book as at any date", async () => {
    const { org, loanId } = await book();
    const first = await postJournal(db, org.id);
    const entries = await db.selectFrom("journal_entries").select(["source_kind"]).where("organisation_id", "=", org.id).execute();
    expect(first.posted).toBe(entries.length);
    const shareRows = await db.selectFrom("share_transactions").select("id").where("organisation_id", "=", org.id).execute();
    const loanRows = await db.selectFrom("loan_transactions").select("id").where("organisation_id", "=", org.id).execute();
    // Every share and loan ledger row, one interest line owed in cash per member, the card payment taken and refunded.
    expect(entries.filter((e) => e.source_kind === "share_transaction")).toHaveLength(shareRows.length);
    expect(entries.filter((e) => e.source_kind === "loan_transaction")).toHaveLength(loanRows.length);
    expect(entries.filter((e) => e.source_kind === "share_interest_cash")).toHaveLength(2);
    expect(entries.filter((e) => e.source_kind.startsWith("card_")).map((e) => e.source_kind).sort()).toEqual(["card_refund_shares", "card_unapplied_shares"]);
    // Again: nothing new.
    expect((await postJournal(db, org.id)).posted).toBe(0);
    expect(await unbalancedEntries(db, org.id)).toEqual([]);

    for (const asAt of DATES) {
      const tb = await trialBalance(db, org.id, asAt);
      expect(tb.totals.debits, `debits = credits as at ${asAt}`).toBe(tb.totals.credits);
      expect(tb.totals.debitBalances, `balances as at ${asAt}`).toBe(tb.totals.creditBalances);
      expect(-balanceOf(tb, ACCOUNTS.shareCapital), `share capital as at ${asAt}`).toBe(await registerCapital(org.id, asAt));
      expect(balanceOf(tb, ACCOUNTS.loansReceivable), `loans receivable as at ${asAt}`).toBe(await loanBook(org.id, asAt));
    }

    // The figures the events make, as at today.
    const tb = await trialBalance(db, org.id, TODAY, "2026-01-01");
    expect(-balanceOf(tb, ACCOUNTS.shareCapital)).toBe(65_000n); // 500 + 200 (+30 −30) − 50 withdrawn, £1 shares
    expect(balanceOf(tb, ACCOUNTS.shareTransfersClearing)).toBe(0n);
    const repaid = (await loanTransactions(db, org.id, loanId)).filter((t) => t.kind === "repayment" || t.kind === "reversal");
    const interest = repaid.reduce((s, t) => s + BigInt(t.interest_part), 0n);
    expect(interest).toBeGreaterThan(0n);
    expect(-balanceOf(tb, ACCOUNTS.interestIncome)).toBe(interest);
    expect(-balanceOf(tb, ACCOUNTS.feeIncome)).toBe(15_000n);
    const writtenOff = await db.selectFrom("loan_transactions").select("principal_part").where("organisation_id", "=", org.id).where("kind", "=", "write_off").executeTakeFirstOrThrow();
    expect(balanceOf(tb, ACCOUNTS.badDebt)).toBe(BigInt(writtenOff.principal_part));
    expect(balanceOf(tb, ACCOUNTS.cardClearing)).toBe(20_000n + 106_619n); // shares by card, a repayment by card; the refunded payment nets out
    expect(balanceOf(tb, ACCOUNTS.cardRefundsDue)).toBe(0n);
    const interestOwed = await db.selectFrom("interest_lines").select((eb) => eb.fn.sum<bigint>("cash").as("cash")).where("organisation_id", "=", org.id).executeTakeFirstOrThrow();
    expect(-balanceOf(tb, ACCOUNTS.shareInterestPayable)).toBe(BigInt(interestOwed.cash));
    expect(balanceOf(tb, ACCOUNTS.shareInterest)).toBe(BigInt(interestOwed.cash));
    // The refused card payment was taken late on 10 June UTC: 11 June in London; refunded 12 June.
    const card = await db.selectFrom("journal_entries").select(["source_kind", "entry_date"]).where("organisation_id", "=", org.id).where("source_kind", "like", "card_%").orderBy("entry_date").execute();
    expect(card).toEqual([{ source_kind: "card_unapplied_shares", entry_date: "2026-06-11" }, { source_kind: "card_refund_shares", entry_date: "2026-06-12" }]);
    // A trial balance of the year before shows the opening balances brought forward.
    const before = await trialBalance(db, org.id, "2025-12-31");
    expect(before.rows.every((r) => r.closing === 0n)).toBe(true);
  });

  it("locks an exported period: a late event posts on the first open day, and the period's trial balance and file never change", async () => {
    const { org, secretary, cls, ann } = await book();
    await updateChartMapping(db, secretary.id, org.id, [{ code: ACCOUNTS.bank, externalCode: "090", externalName: "Business Bank Account" }]);
    const orgRow = { id: org.id, slug: org.slug, currency: "GBP" };
    const exported = await exportJournal(db, secretary.id, orgRow, { from: "2026-01-01", to: "2026-06-30", format: "xero" }, TODAY);
    if (!exported.ok) throw new Error(exported.reason);
    expect(await lockedThrough(db, org.id)).toBe("2026-06-30");
    const tbLocked = await trialBalance(db, org.id, "2026-06-30");

    // The Xero file: the documented columns, each journal balancing, the bank under its Xero code.
    const rows = parse(exported.csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual(["*Narration", "*Date", "Description", "*AccountCode", "*TaxRate", "*Amount", "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2"]);
    const byJournal = new Map<string, number>();
    for (const r of rows) byJournal.set(r["*Narration"] + r["*Date"], (byJournal.get(r["*Narration"] + r["*Date"]) ?? 0) + Math.round(Number(r["*Amount"]) * 100));
    expect([...byJournal.values()].every((v) => v === 0)).toBe(true);
    expect(byJournal.size).toBe(exported.entries);
    expect(rows.some((r) => r["*AccountCode"] === "090")).toBe(true);
    expect(rows.some((r) => r["*AccountCode"] === ACCOUNTS.bank)).toBe(false);
    expect(rows.every((r) => /^\d\d\/\d\d\/2026$/.test(r["*Date"]) && r["*TaxRate"] === "No VAT")).toBe(true);
    expect(rows.some((r) => r["*Date"] === "10/01/2026" && r["*Amount"] === "-500.00" && r["*AccountCode"] === ACCOUNTS.shareCapital)).toBe(true);

    // A purchase dated inside the locked period, recorded now.
    await buy(org.id, secretary.id, ann.id, cls.id, 40, "2026-03-10", "cash");
    expect((await postJournal(db, org.id)).posted).toBe(1);
    const late = await db.selectFrom("journal_entries").select(["entry_date", "event_date", "description"]).where("organisation_id", "=", org.id).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(late).toMatchObject({ entry_date: "2026-07-01", event_date: "2026-03-10" });
    expect(late.description).toContain("inside the period locked through 2026-06-30");
    expect(await trialBalance(db, org.id, "2026-06-30")).toEqual(tbLocked);
    // Share capital still ties to the register once the open period starts.
    expect(-balanceOf(await trialBalance(db, org.id, "2026-07-01"), ACCOUNTS.shareCapital)).toBe(await registerCapital(org.id, "2026-07-01"));

    // Exporting the same period again gives the same file; a gap after the lock, or a period not over, is refused.
    const again = await exportJournal(db, secretary.id, orgRow, { from: "2026-01-01", to: "2026-06-30", format: "xero" }, TODAY);
    expect(again.ok && again.csv).toBe(exported.csv);
    expect(await exportJournal(db, secretary.id, orgRow, { from: "2026-08-01", to: "2026-08-31", format: "sage" }, TODAY)).toMatchObject({ ok: false, field: "from" });
    expect(await exportJournal(db, secretary.id, orgRow, { from: "2026-07-01", to: TODAY, format: "sage" }, TODAY)).toMatchObject({ ok: false, field: "to" });

    // QuickBooks and Sage files for the next period: documented columns, balanced per journal.
    const qbo = await exportJournal(db, secretary.id, orgRow, { from: "2026-07-01", to: "2026-09-30", format: "quickbooks" }, TODAY);
    if (!qbo.ok) throw new Error(qbo.reason);
    const qRows = parse(qbo.csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(qRows[0])).toEqual(["JournalNo", "JournalDate", "AccountName", "Debits", "Credits", "Description", "Name"]);
    const qSums = new Map<string, number>();
    for (const r of qRows) qSums.set(r.JournalNo, (qSums.get(r.JournalNo) ?? 0) + Math.round(Number(r.Debits || 0) * 100) - Math.round(Number(r.Credits || 0) * 100));
    expect([...qSums.values()].every((v) => v === 0)).toBe(true);
    expect(qRows.some((r) => r.JournalDate === "01/07/2026" && r.AccountName === "Share capital" && r.Credits === "40.00")).toBe(true);
    const sage = await exportJournal(db, secretary.id, orgRow, { from: "2026-10-01", to: "2026-10-31", format: "sage" }, TODAY);
    if (!sage.ok) throw new Error(sage.reason);
    const sRows = parse(sage.csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(sRows[0])).toEqual(["Type", "Account Reference", "Nominal A/C Ref", "Department Code", "Date", "Reference", "Details", "Net Amount", "Tax Code", "Tax Amount"]);
    const jd = sRows.filter((r) => r.Type === "JD").reduce((s, r) => s + Math.round(Number(r["Net Amount"]) * 100), 0);
    const jc = sRows.filter((r) => r.Type === "JC").reduce((s, r) => s + Math.round(Number(r["Net Amount"]) * 100), 0);
    expect(jd).toBe(jc);
    expect(sRows.some((r) => r["Nominal A/C Ref"] === "090" && r.Type === "JC" && r["Net Amount"] === "5000.00")).toBe(true); // the pay-out reversed's loan went out of the bank
    expect(await lockedThrough(db, org.id)).toBe("2026-10-31");
    const chart = await chartOfAccounts(db, org.id);
    expect(chart.find((a) => a.code === ACCOUNTS.bank)).toMatchObject({ external_code: "090", external_name: "Business Bank Account" });
  });

  it("adds up days, not lines: the trial balance equals the journal lines' sums, and a posting inside a caller's transaction is not skipped", async () => {
    const { org, secretary, cls, ann } = await book();
    await postJournal(db, org.id);
    const fromLines = async (asAt: string, from: string) =>
      (await sql<{ code: string; opening: string; debits: string; credits: string }>`
        SELECT account_code AS code, COALESCE(SUM(debit - credit) FILTER (WHERE entry_date < ${from}), 0)::text AS opening,
               COALESCE(SUM(debit) FILTER (WHERE entry_date >= ${from}), 0)::text AS debits, COALESCE(SUM(credit) FILTER (WHERE entry_date >= ${from}), 0)::text AS credits
          FROM journal_lines WHERE organisation_id = ${org.id} AND entry_date <= ${asAt} GROUP BY account_code ORDER BY account_code`.execute(db)).rows;
    const check = async () => {
      for (const [asAt, from] of [[TODAY, "2026-01-01"], ["2026-03-31", "2026-03-01"], ["2026-06-11", "2026-01-01"], ["2026-01-09", "2025-01-01"]]) {
        const tb = await trialBalance(db, org.id, asAt, from);
        const moved = tb.rows.filter((r) => r.opening || r.debits || r.credits).map((r) => ({ code: r.code, opening: String(r.opening), debits: String(r.debits), credits: String(r.credits) }));
        expect(moved, `${from} to ${asAt}`).toEqual(await fromLines(asAt, from));
      }
      expect(await verifyLedger(db, org.id)).toEqual([]);
    };
    await check();
    // Nothing written since: nothing posted (the ledger version has not moved).
    expect((await postJournal(db, org.id)).posted).toBe(0);
    // A purchase and the posting in one transaction: the version moves only as it commits, and the purchase is posted all the same.
    const inOne = await db.transaction().execute(async (trx) => {
      const r = await recordPurchase(trx, { organisationId: org.id, actorUserId: secretary.id, memberId: ann.id, classId: cls.id, shares: 12, on: "2026-11-20", method: "cash" });
      if (!r.ok) throw new Error(r.reason);
      return postJournal(trx, org.id);
    });
    expect(inOne.posted).toBe(1);
    expect((await postJournal(db, org.id)).posted).toBe(0);
    // A purchase committed on its own: the version has moved, and the next posting finds it.
    await buy(org.id, secretary.id, ann.id, cls.id, 7, "2026-11-21", "cash");
    expect((await postJournal(db, org.id)).posted).toBe(1);
    expect((await postJournal(db, org.id)).posted).toBe(0);
    await check();
  });

  it("the annual return nets each reversal with what it reverses (the book's purchase, repayment and pay-out reversed)", async () => {
    const { org, loanId } = await book();
    const f = await annualFigures(db, org.id, "2026-12-31", TODAY);
    expect(f.sharesIssued).toBe(70_000n); // 500 + 200 + 30 bought, the 30 reversed
    expect(f.sharesWithdrawn).toBe(5_000n);
    expect(f.loansAdvanced).toBe(1_200_000n + 300_000n); // the third loan's pay-out was reversed as recorded in error
    expect(f.loansAdvancedCount).toBe(2);
    const repaid = (await loanTransactions(db, org.id, loanId)).filter((t) => t.kind === "repayment").map((t) => BigInt(t.principal_part));
    expect(repaid).toHaveLength(3);
    // The third repayment (50,000) was reversed: only the first two count.
    expect(f.principalRepaid).toBe(repaid[0] + repaid[1]);
    // A year that holds none of it.
    expect(await annualFigures(db, org.id, "2025-12-31", TODAY)).toMatchObject({ sharesIssued: 0n, sharesWithdrawn: 0n, loansAdvanced: 0n, loansAdvancedCount: 0, principalRepaid: 0n });
  });

  it("two runs at once post each event once", async () => {
    const { org } = await book();
    const [a, b] = await Promise.all([postJournal(db, org.id), postJournal(db, org.id)]);
    const count = await db.selectFrom("journal_entries").select((eb) => eb.fn.countAll<string>().as("n")).where("organisation_id", "=", org.id).executeTakeFirstOrThrow();
    expect(a.posted + b.posted).toBe(Number(count.n));
    expect(Math.min(a.posted, b.posted)).toBe(0);
    expect(await unbalancedEntries(db, org.id)).toEqual([]);
    if (usingPostgres()) expect(Math.max(a.posted, b.posted)).toBeGreaterThan(10);
  });

  it("the daily job posts the journal from the ledgers", async () => {
    const { org, user, cls } = await setupClass(db);
    const member = await makeMember(db, org.id, { name: "Jo Job", on: "2025-06-01" });
    await buy(org.id, user.id, member.id, cls.id, 40, "2026-05-05", "cash");
    // Put the job first in the shared queue (other tests' organisations have jobs too).
    const id = (await enqueueJob(db, { organisationId: org.id, kind: JOB_KINDS.postJournal, runAt: new Date("2000-01-01T00:00:00Z"), uniqueKey: `${JOB_KINDS.postJournal}:${org.id}:test` }))!;
    await runJobsUntil(db, async () => !((await getJob(db, org.id, id))?.status !== "done"));
    expect(await getJob(db, org.id, id)).toMatchObject({ status: "done", message: "1 journal entry posted from the ledgers" });
    const tb = await trialBalance(db, org.id, "2026-05-31");
    expect(balanceOf(tb, ACCOUNTS.bank)).toBe(4_000n);
    expect(balanceOf(tb, ACCOUNTS.shareCapital)).toBe(-4_000n);
  });
});
