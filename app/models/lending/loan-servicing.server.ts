/**
 * The loan page's servicing forms, one call each: a repayment, the reversal
 * of a wrong repayment or of a wrong pay-out, a recovery after write-off.
 * Each answers with what the officer is told; a refusal is thrown (and rolls
 * the caller's transaction back).
 */
import type { Component } from "~/domain/lending/allocation";
import { parseMoney } from "~/domain/money";
import type { LoanAction } from "~/schemas/lending";
import type { Executor } from "~/utils/db.server";
import { recordRecovery, recordRepayment, reversePayout, reverseRepayment } from "~/models/lending/loans.server";

export async function serviceLoan(db: Executor, actorUserId: string, organisationId: string, loanId: string, v: LoanAction, today: string): Promise<string> {
  if (v.intent === "repayment") {
    const r = await recordRepayment(db, actorUserId, organisationId, loanId, {
      amount: parseMoney(v.amount), onDate: v.onDate, method: v.method, order: v.order.split(",") as Component[], reschedule: v.reschedule, note: v.note,
    }, today);
    return `Repayment recorded${r.prepaid > 0n ? "; the overpayment was applied as a prepayment and the schedule regenerated" : ""}${r.closed ? ". The loan is repaid in full." : "."}`;
  }
  if (v.intent === "reversal") {
    await reverseRepayment(db, actorUserId, organisationId, loanId, BigInt(v.transactionId), v.onDate, v.note, today);
    return "Repayment reversed.";
  }
  if (v.intent === "payout-reversal") {
    await reversePayout(db, actorUserId, organisationId, loanId, { onDate: v.onDate, note: v.note }, today);
    return "Pay-out reversed. The application is back at \"offer accepted\": pay it out again on the right date, or withdraw it.";
  }
  await recordRecovery(db, actorUserId, organisationId, loanId, parseMoney(v.amount), v.onDate, v.note, today);
  return "Recovery recorded.";
}
