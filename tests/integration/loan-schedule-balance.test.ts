/**
 * The schedule's balance column after prepayments, reversals and
 * rescheduling, driven through the real model functions: random sequences
 * of repayments (some short, some exact, some prepaying with either
 * reschedule mode) and reversals on one loan, then every invariant the
 * pages and the CSV rely on: the balance column ends at zero, principal of
 * its rows sums to the amount lent, no installment is paid more than it
 * owes, and the CSV shows the same.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { payoffAmount, getLoan, loanInstallments, loanTransactions, recordRepayment, reverseRepayment, type Loan } from "~/models/lending/loans.server";
import { Refusal } from "~/domain/refusal";
import { loanScheduleBalances, scheduleCsvRows } from "~/models/lending/loan-views.server";
import { fromDay, toDay } from "~/domain/calendar";
import type { Database } from "~/utils/db.server";
import { makeOrganisation } from "../../db/factories";
import { testDb } from "../db";
import { makeLoan } from "../fixtures/lending";

let db: Database;
let orgId: string;
beforeAll(async () => {
  db = await testDb();
  orgId = (await makeOrganisation(db)).id;
});

const TODAY = "2099-12-31";

type Step =
  | { kind: "pay"; days: number; share: number; mode: "shorter-term" | "lower-installment" }
  | { kind: "reverse"; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("pay" as const), days: fc.integer({ min: 0, max: 75 }), share: fc.double({ min: 0.001, max: 1, noNaN: true }), mode: fc.constantFrom("shorter-term" as const, "lower-installment" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reverse" as const), pick: fc.nat() }) },
);

async function checkInvariants(loan: Loan) {
  const inst = await loanInstallments(db, orgId, loan.id);
  const tx = await loanTransactions(db, orgId, loan.id);
  const b = loanScheduleBalances(loan, inst, tx);
  expect(b.principalTotal).toBe(loan.principal);
  expect(b.endBalance).toBe(0n);
  for (const r of inst) {
    expect(r.paid_principal <= r.principal && r.paid_interest <= r.interest && r.paid_fees <= r.fees, `installment ${r.n} overpaid`).toBe(true);
    expect(r.paid_principal >= 0n && r.paid_interest >= 0n && r.paid_fees >= 0n).toBe(true);
  }
  // The ledger agrees: principal repaid (net of reversals) is what the schedule shows as paid, prepayments included.
  const repaid = tx.filter((t) => t.kind === "repayment" || t.kind === "reversal").reduce((s, t) => s + t.principal_part, 0n);
  const paidInSchedule = inst.reduce((s, r) => s + r.paid_principal, 0n) + b.rows.filter((r) => r.kind === "prepayment").reduce((s, r) => s + r.principal, 0n);
  expect(repaid).toBe(paidInSchedule);
  const csv = await scheduleCsvRows(db, orgId, loan.id);
  expect(csv!.rows.at(-1)![7]).toBe("0.00");
}

describe("schedule balance after repayments, prepayments and reversals", () => {
  it("ends at zero with principal summing to the amount lent, whatever the sequence", async () => {
    let prepayments = 0;
    let reversals = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 50_000, max: 2_000_000 }), fc.integer({ min: 3, max: 12 }), fc.array(step, { minLength: 1, maxLength: 6 }), async (amount, term, steps) => {
        const made = await makeLoan(db, orgId, { amount: BigInt(amount), termPeriods: term, disbursedOn: "2026-01-15" });
        let onDate = "2026-01-15";
        for (const s of steps) {
          const loan = (await getLoan(db, orgId, made.loan.id))!;
          if (loan.status !== "active") break;
          try {
            if (s.kind === "pay") {
              onDate = fromDay(toDay(onDate) + s.days);
              const state = (await loanInstallments(db, orgId, loan.id)).map((r) => ({ n: r.n, due: r.due_on, owed: { fees: r.fees, interest: r.interest, principal: r.principal }, paid: { fees: r.paid_fees, interest: r.paid_interest, principal: r.paid_principal } }));
              const payoff = payoffAmount(state, onDate);
              const pay = BigInt(Math.max(1, Math.round(Number(payoff) * s.share)));
              const r = await recordRepayment(db, null, orgId, loan.id, { amount: pay, onDate, method: "bank", reschedule: s.mode }, TODAY);
              if (r.prepaid > 0n) prepayments++;
            } else {
              const repayments = (await loanTransactions(db, orgId, loan.id)).filter((t) => t.kind === "repayment" && !t.reversed_by);
              if (!repayments.length) continue;
              await reverseRepayment(db, null, orgId, loan.id, repayments[s.pick % repayments.length].id, onDate, "test", TODAY);
              reversals++;
            }
          } catch (e) {
            if (!(e instanceof Refusal)) throw e;
          }
          await checkInvariants((await getLoan(db, orgId, made.loan.id))!);
        }
      }),
      { numRuns: 25 },
    );
    // The sequences did exercise what the property is about.
    expect(prepayments).toBeGreaterThan(0);
    expect(reversals).toBeGreaterThan(0);
  }, 240_000);
});
