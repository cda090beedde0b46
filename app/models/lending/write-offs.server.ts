import { checkSeparationOfDuties } from "~/domain/duties";
import type { Executor } from "~/utils/db.server";
import { recordAudit } from "~/models/core/audit.server";
import { refused } from "~/domain/refusal";
import { inTransaction, lockLoan, writeOffLocked, writeOffPrincipal } from "~/models/lending/loans.server";

/*
 * Writing off a loan takes two board members (the four-eyes rule credit
 * unions keep for losses): one proposes it with the date and the board's
 * minute, another approves it, which writes the loan off, or rejects it.
 * The proposer may withdraw it. One proposal per loan waits at a time (a
 * unique index), so two proposals cannot race. Each step locks the loan
 * first (lockLoan), then the proposal, and decides on what it reads then.
 */

export type WriteOffDecision = "approve" | "reject" | "withdraw";

export async function openWriteOffProposal(db: Executor, organisationId: string, loanId: string) {
  return db
    .selectFrom("loan_write_off_proposals as p")
    .innerJoin("users as u", "u.id", "p.proposed_by")
    .select(["p.id", "p.on_date", "p.note", "p.proposed_by", "p.proposed_at", "u.name as proposer_name"])
    .where("p.organisation_id", "=", organisationId)
    .where("p.loan_id", "=", loanId)
    .where("p.decision", "is", null)
    .executeTakeFirst();
}

export function proposeWriteOff(db: Executor, actorUserId: string, organisationId: string, loanId: string, input: { onDate: string; note: string }, today: string) {
  return inTransaction(db, (trx) => propose(trx, actorUserId, organisationId, loanId, input, today));
}

async function propose(db: Executor, actorUserId: string, organisationId: string, loanId: string, input: { onDate: string; note: string }, today: string) {
  const loan = await lockLoan(db, organisationId, loanId);
  await writeOffPrincipal(db, organisationId, loan, input.onDate, today);
  // The partial unique index keeps one open proposal per loan, also against a concurrent one.
  const proposal = await db
    .insertInto("loan_write_off_proposals")
    .values({ organisation_id: organisationId, loan_id: loan.id, on_date: input.onDate, note: input.note, proposed_by: actorUserId })
    .onConflict((oc) => oc.columns(["organisation_id", "loan_id"]).where("decision", "is", null).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!proposal) throw refused("A write-off of this loan is already waiting for a second board member.");
  await recordAudit(db, { organisationId, actorUserId, action: "loan.write_off_proposed", entityType: "loan", entityId: loan.id, after: { proposalId: proposal.id, onDate: input.onDate, note: input.note } });
  return proposal;
}

export function decideWriteOff(
  db: Executor,
  actorUserId: string,
  organisationId: string,
  loanId: string,
  input: { proposalId: string; decision: WriteOffDecision; note: string },
  today: string,
) {
  return inTransaction(db, (trx) => decide(trx, actorUserId, organisationId, loanId, input, today));
}

async function decide(db: Executor, actorUserId: string, organisationId: string, loanId: string, input: { proposalId: string; decision: WriteOffDecision; note: string }, today: string) {
  const loan = await lockLoan(db, organisationId, loanId);
  const proposal = await db
    .selectFrom("loan_write_off_proposals")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("loan_id", "=", loan.id)
    .where("id", "=", input.proposalId)
    .forUpdate()
    .executeTakeFirst();
  if (!proposal || proposal.decision !== null) throw refused("That write-off proposal has already been decided or withdrawn.");
  const separate = checkSeparationOfDuties("loan_write_off", actorUserId, [{ userId: proposal.proposed_by, as: "proposed" }]);
  if (input.decision === "withdraw" && separate.ok) throw refused("Only the board member who proposed a write-off can withdraw it; you can approve or reject it.");
  if (input.decision !== "withdraw" && !separate.ok) throw refused(separate.reason);
  if (input.decision === "reject" && !input.note) throw refused("Say why the write-off is rejected.", "note");
  let principal: bigint | null = null;
  if (input.decision === "approve") {
    const note = `${proposal.note} (proposed and approved by two board members)`;
    principal = (await writeOffLocked(db, actorUserId, organisationId, loan, proposal.on_date, note, today)).principal;
  }
  const decision = input.decision === "approve" ? "approved" : input.decision === "reject" ? "rejected" : "withdrawn";
  await db
    .updateTable("loan_write_off_proposals")
    .set({ decision, decided_by: actorUserId, decided_at: new Date(), decision_note: input.note })
    .where("organisation_id", "=", organisationId)
    .where("id", "=", proposal.id)
    .execute();
  await recordAudit(db, { organisationId, actorUserId, action: `loan.write_off_${decision}`, entityType: "loan", entityId: loan.id, after: { proposalId: proposal.id, note: input.note, principal } });
  return { decision, principal };
}
