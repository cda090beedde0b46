/**
 * The community bank's current account (for payments in) and a month of
 * its statement, imported as a Starling CSV, so the matching queue has
 * something in it (docs/treasury.md): credits quoting member references and
 * loan references, installments paid without a reference by the borrower,
 * payments with no reference at all, one payment split across a member's
 * shares and a loan, and the bank's own charges going out.
 */
import { sql } from "kysely";
import { parseStatementAmount } from "../../app/domain/treasury/statement";
import { createBankAccount, importStatement } from "../../app/models/treasury/statements.server";
import type { SeedContext } from "./context";

const pounds = (minor: bigint) => `${minor / 100n}.${String(minor % 100n).padStart(2, "0")}`;
const ukDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const upper = (name: string) => name.toUpperCase().replace(/[^A-Z ]/g, "");

export async function seedTreasury(ctx: SeedContext) {
  const { db, bank, today } = ctx;
  const secretary = bank.users.secretary;
  const accountId = await createBankAccount(db, bank.id, secretary, {
    name: "Current account", bankName: "Starling Bank", accountHolder: "Lancashire Community Bank Ltd", sortCode: "608371", accountNumber: "41550287", iban: null, bic: null, currency: "GBP", paymentsIn: true,
  });
  // Members holding deposit shares (£10 each): their payments buy more.
  const savers = await db
    .selectFrom("share_holdings as h")
    .innerJoin("members as m", (j) => j.onRef("m.organisation_id", "=", "h.organisation_id").onRef("m.id", "=", "h.member_id"))
    .innerJoin("share_classes as c", (j) => j.onRef("c.organisation_id", "=", "h.organisation_id").onRef("c.id", "=", "h.class_id"))
    .select(["m.member_number", "m.name"])
    .where("h.organisation_id", "=", bank.id)
    .where("c.name", "=", "Deposit Shares")
    .where("m.status", "=", "admitted")
    .where("m.kind", "=", "person")
    .where("h.shares", ">", 0n)
    .orderBy("m.member_number")
    .limit(8)
    .execute();
  // Active loans with the next installment in full.
  const loans = (
    await sql<{ reference: number; legal_name: string; installment: string }>`
      select l.reference, b.legal_name, (
        select i.principal + i.interest + i.fees from loan_installments i
         where i.organisation_id = l.organisation_id and i.loan_id = l.id and i.paid_principal + i.paid_interest + i.paid_fees < i.principal + i.interest + i.fees
         order by i.n limit 1)::text as installment
        from loans l join borrowers b on b.organisation_id = l.organisation_id and b.id = l.borrower_id
       where l.organisation_id = ${bank.id} and l.status = 'active'
       order by l.reference limit 8`.execute(db)
  ).rows.filter((l) => l.installment !== null);
  const month = today.slice(0, 8); // "2026-11-"
  const day = (d: number) => ukDate(`${month}${String(Math.min(d, Number(today.slice(8, 10)))).padStart(2, "0")}`);
  const rows: [string, string, string, string][] = [];
  const ref = (n: number, letter: "M" | "L") => `${letter}${String(n).padStart(5, "0")}`;
  // Sure: members quoting their reference, written as people write them.
  const styles = [(n: number) => ref(n, "M"), (n: number) => `SHARES ${ref(n, "M")}`, (n: number) => `m ${n}`, (n: number) => `MEMBER NO ${n}`];
  savers.slice(0, 4).forEach((m, i) => rows.push([day(2 + i), upper(m.name), styles[i](m.member_number), pounds(BigInt((i + 1) * 5) * 1000n)]));
  // Sure: loans quoting their reference, the installment to the penny.
  loans.slice(0, 3).forEach((l, i) => rows.push([day(3 + i * 4), upper(l.legal_name), i === 1 ? `LOAN ${l.reference}` : ref(l.reference, "L"), pounds(BigInt(l.installment))]));
  // Sure without a reference: the borrower pays its installment under its own name.
  loans.slice(3, 5).forEach((l, i) => rows.push([day(8 + i * 5), upper(l.legal_name), "MONTHLY PAYMENT", pounds(BigInt(l.installment))]));
  // Suggestions: a member who forgot the reference, a reference paid from someone else's account; a part-payment quoting its loan.
  if (savers[4]) rows.push([day(11), upper(savers[4].name), "SAVINGS", "100.00"]);
  if (savers[5]) rows.push([day(12), "P WATSON", ref(savers[5].member_number, "M"), "50.00"]);
  if (loans[5]) rows.push([day(14), upper(loans[5].legal_name), ref(loans[5].reference, "L"), pounds(BigInt(loans[5].installment) / 2n)]);
  // Nothing to go on: a donation, and a payment quoting an invoice.
  rows.push([day(15), "A FRIEND", "WELL DONE", "25.00"]);
  rows.push([day(16), "PRESTON CVS", "INV 2231", "180.00"]);
  // One payment for two things: a member's deposit shares and their business's loan installment.
  if (savers[6] && loans[6]) {
    rows.push([day(18), upper(savers[6].name), `${ref(savers[6].member_number, "M")} ${ref(loans[6].reference, "L")}`, pounds(20_000n + BigInt(loans[6].installment))]);
  }
  // Money out, which is not matched.
  rows.push([day(20), "STARLING BANK", "ACCOUNT FEE", "-6.00"]);
  rows.push([day(21), "LANCS PRINT LTD", "AGM NOTICES", "-142.80"]);
  rows.sort((a, b) => a[0].split("/").reverse().join("").localeCompare(b[0].split("/").reverse().join("")));
  const head = "Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),Spending Category,Notes";
  let balance = 25_000_00n;
  const body = rows.map(([d, payer, reference, amount]) => {
    const minor = parseStatementAmount(amount);
    balance += minor;
    return `${d},${payer},${reference},${minor > 0n ? "FASTER PAYMENT" : "DIRECT DEBIT"},${amount},${pounds(balance)},${minor > 0n ? "INCOME" : "GENERAL"},`;
  });
  const out = await importStatement(db, { organisationId: bank.id, bankAccountId: accountId, actorUserId: secretary, filename: `starling-${month.slice(0, 7)}.csv`, bytes: new TextEncoder().encode([head, ...body].join("\n") + "\n") });
  if (!out.ok) throw new Error(`demo statement: ${JSON.stringify(out.errors)}`);
}
