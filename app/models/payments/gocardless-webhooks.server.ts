import { collectionStep, failureWords, mandateEnded, mandateStep } from "~/domain/treasury/direct-debit";
import { displayMoney } from "~/domain/money";
import { Refusal } from "~/domain/refusal";
import { loanPaymentReference } from "~/domain/treasury/payments-in";
import { recordAudit } from "~/models/core/audit.server";
import { queueEmail } from "~/models/core/outbox.server";
import { organisationMoneyStyle, organisationToday } from "~/models/core/organisations.server";
import { lockLoan, recordRepayment, reverseRepayment, type Loan } from "~/models/lending/loans.server";
import { cancelLiveCollections, loanOfficerEmails, roleEmails } from "~/models/payments/direct-debit.server";
import { memberForShares, recordPurchase, reverseTransaction } from "~/models/shares/share-classes-and-holdings.server";
import type { Database, Executor } from "~/utils/db.server";
import { GoCardlessError, type GcEvent, type GoCardless } from "~/utils/gocardless.server";
import { isUuid } from "~/schemas/common";
import { moneyTransaction } from "~/utils/money-transaction.server";

/*
 * GoCardless's webhook (ADR 0019). Each event is stored under its id, for
 * the organisation whose mandate or payment it is about, and processed once
 * in the transaction that stores it: the INSERT waits for a concurrent
 * delivery of the same event to commit, and the row lock after it orders any
 * that remain, so ten simultaneous deliveries record one repayment.
 *
 * Money: "confirmed" records the repayment (under lockLoan) or the share
 * purchase; "failed" or "charged_back" after that reverses it with reversal
 * entries (the ledgers are never edited), the installment is open again, and
 * the officer and the payer are told. A mandate that ends cancels the
 * collections not yet taken.
 */

export type DdOutcome = "processed" | "duplicate" | "ignored" | "refused";

/** The organisation an event belongs to, from the mandate or payment it links to; null for one that is not ours. */
async function organisationOf(db: Executor, event: GcEvent): Promise<string | null> {
  const links = event.links;
  if (event.resource_type === "payments" && links.payment) {
    const row = await db.selectFrom("dd_collections").select("organisation_id").where("provider_payment_id", "=", links.payment).executeTakeFirst();
    return row?.organisation_id ?? null;
  }
  if (event.resource_type === "mandates" && links.mandate) {
    const row = await db.selectFrom("dd_mandates").select("organisation_id").where("provider_mandate_id", "=", links.mandate).executeTakeFirst();
    return row?.organisation_id ?? null;
  }
  if (event.resource_type === "billing_requests" && links.billing_request) {
    const row = await db.selectFrom("dd_mandates").select("organisation_id").where("provider_billing_request_id", "=", links.billing_request).executeTakeFirst();
    return row?.organisation_id ?? null;
  }
  return null;
}

/**
 * A payment GoCardless made for a collection whose id was never written here
 * (the run stopped between asking GoCardless and writing down its answer):
 * GoCardless is asked for the payment, whose metadata names the collection,
 * and the link is written, so the event is not lost. The next run would find
 * the same payment through its idempotency key anyway.
 */
async function linkUnknownPayment(db: Database, gc: GoCardless | null, paymentId: string): Promise<void> {
  if (!gc) return;
  let payment;
  try {
    payment = await gc.getPayment(paymentId);
  } catch (error) {
    if (error instanceof GoCardlessError && error.status === 404) return;
    throw error;
  }
  const collectionId = payment.metadata?.collection;
  if (!collectionId || !isUuid(collectionId)) return;
  await db
    .updateTable("dd_collections")
    .set({ provider_payment_id: payment.id, status: "pending_submission", charge_date: payment.charge_date, updated_at: new Date() })
    .where("id", "=", collectionId)
    .where("status", "=", "scheduled")
    .where("provider_payment_id", "is", null)
    .where("amount", "=", BigInt(payment.amount))
    .execute();
}

/**
 * A mandate's event that arrives before the billing request's "fulfilled"
 * (GoCardless does not promise an order): the mandate's metadata names the
 * mandate row that asked for it, so the link is written from there.
 */
async function linkUnknownMandate(db: Database, gc: GoCardless | null, mandateId: string): Promise<void> {
  if (!gc) return;
  let mandate;
  try {
    mandate = await gc.getMandate(mandateId);
  } catch (error) {
    if (error instanceof GoCardlessError && error.status === 404) return;
    throw error;
  }
  const rowId = mandate.metadata?.mandate;
  if (!rowId || !isUuid(rowId)) return;
  await db
    .updateTable("dd_mandates")
    .set({ provider_mandate_id: mandate.id, status: "pending_submission", updated_at: new Date() })
    .where("id", "=", rowId)
    .where("status", "=", "setting_up")
    .where("provider_mandate_id", "is", null)
    .execute();
}

/** Store and process one verified event exactly once. `gc` lets a payment or mandate this app asked for but never wrote down be found. */
export async function handleGoCardlessEvent(db: Database, event: GcEvent, now = new Date(), gc: GoCardless | null = null): Promise<DdOutcome> {
  if (event.resource_type === "payments" && event.links.payment && !(await organisationOf(db, event))) await linkUnknownPayment(db, gc, event.links.payment);
  if (event.resource_type === "mandates" && event.links.mandate && !(await organisationOf(db, event))) await linkUnknownMandate(db, gc, event.links.mandate);
  const organisationId = await organisationOf(db, event);
  // Not about anything of ours (a payment made in GoCardless's dashboard, another app's): acknowledged, not stored.
  if (!organisationId) return "ignored";
  return moneyTransaction(db, async (trx) => {
    await trx
      .insertInto("dd_webhook_events")
      .values({ organisation_id: organisationId, provider_event_id: event.id, resource_type: event.resource_type, action: event.action, payload: JSON.stringify(event) })
      .onConflict((oc) => oc.columns(["organisation_id", "provider_event_id"]).doNothing())
      .execute();
    const stored = await trx
      .selectFrom("dd_webhook_events")
      .select("processed_at")
      .where("organisation_id", "=", organisationId)
      .where("provider_event_id", "=", event.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (stored.processed_at) return "duplicate";
    let outcome: DdOutcome = "ignored";
    if (event.resource_type === "payments") outcome = await paymentEvent(trx, organisationId, event, now);
    else if (event.resource_type === "mandates") outcome = await mandateEvent(trx, organisationId, event);
    else if (event.resource_type === "billing_requests") outcome = await billingRequestEvent(trx, organisationId, event);
    await trx
      .updateTable("dd_webhook_events")
      .set({ processed_at: new Date(), outcome })
      .where("organisation_id", "=", organisationId)
      .where("provider_event_id", "=", event.id)
      .execute();
    return outcome;
  });
}

/** A webhook body's events, each processed once, in order. */
export async function handleGoCardlessEvents(db: Database, events: readonly GcEvent[], now = new Date(), gc: GoCardless | null = null) {
  const outcomes: DdOutcome[] = [];
  for (const event of events) outcomes.push(await handleGoCardlessEvent(db, event, now, gc));
  return outcomes;
}

async function billingRequestEvent(trx: Executor, organisationId: string, event: GcEvent): Promise<DdOutcome> {
  const mandate = await trx
    .selectFrom("dd_mandates")
    .select(["id", "status"])
    .where("organisation_id", "=", organisationId)
    .where("provider_billing_request_id", "=", event.links.billing_request!)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (mandate.status !== "setting_up") return "ignored";
  if (event.action === "fulfilled" && event.links.mandate_request_mandate) {
    await trx.updateTable("dd_mandates").set({ provider_mandate_id: event.links.mandate_request_mandate, status: "pending_submission", updated_at: new Date() }).where("organisation_id", "=", organisationId).where("id", "=", mandate.id).execute();
    await recordAudit(trx, { organisationId, actorUserId: null, action: "dd.mandate_authorised", entityType: "dd_mandate", entityId: mandate.id, after: { providerMandateId: event.links.mandate_request_mandate } });
    return "processed";
  }
  if (event.action === "cancelled" || event.action === "failed") {
    await trx.updateTable("dd_mandates").set({ status: "failed", failure: `The payer did not complete the set-up (${event.action}).`, updated_at: new Date() }).where("organisation_id", "=", organisationId).where("id", "=", mandate.id).execute();
    return "processed";
  }
  return "ignored";
}

async function mandateEvent(trx: Executor, organisationId: string, event: GcEvent): Promise<DdOutcome> {
  const mandate = await trx
    .selectFrom("dd_mandates as m")
    .leftJoin("loans as l", (j) => j.onRef("l.organisation_id", "=", "m.organisation_id").onRef("l.id", "=", "m.loan_id"))
    .select(["m.id", "m.status", "m.purpose", "l.reference as loan_reference", "l.officer_user_id"])
    .where("m.organisation_id", "=", organisationId)
    .where("m.provider_mandate_id", "=", event.links.mandate!)
    .forUpdate(["m"])
    .executeTakeFirstOrThrow();
  if (event.action === "replaced" && event.links.new_mandate) {
    // The payer's bank moved the mandate (a new creditor, a bank switch): collections go under the new one.
    await trx.updateTable("dd_mandates").set({ provider_mandate_id: event.links.new_mandate, updated_at: new Date() }).where("organisation_id", "=", organisationId).where("id", "=", mandate.id).execute();
    return "processed";
  }
  const next = mandateStep(mandate.status, event.action);
  if (!next) return "ignored";
  await trx
    .updateTable("dd_mandates")
    .set({ status: next, updated_at: new Date(), ...(mandateEnded(next) ? { cancelled_at: new Date(), failure: failureWords(event.details, event.action).replace("The payment", "The mandate") } : {}) })
    .where("organisation_id", "=", organisationId)
    .where("id", "=", mandate.id)
    .execute();
  await recordAudit(trx, { organisationId, actorUserId: null, action: `dd.mandate_${next}`, entityType: "dd_mandate", entityId: mandate.id, before: { status: mandate.status }, after: { status: next, cause: event.details?.cause ?? null } });
  if (mandateEnded(next)) {
    const n = await cancelLiveCollections(trx, organisationId, mandate.id, `The mandate was ${next}.`);
    const to = mandate.purpose === "loan" ? await loanOfficerEmails(trx, organisationId, mandate.officer_user_id) : await roleEmails(trx, organisationId, "secretary");
    const what = mandate.purpose === "loan" ? `loan ${mandate.loan_reference}` : "a member's share instalments";
    for (const email of to) {
      await queueEmail(trx, {
        organisationId,
        to: email,
        subject: `Direct Debit mandate ${next} for ${what}`,
        body: `The Direct Debit mandate for ${what} is ${next}${event.details?.description ? ` (${event.details.description})` : ""}. ${n} collection${n === 1 ? " not yet taken was" : "s not yet taken were"} cancelled; nothing more will be collected under it.\n`,
      });
    }
  }
  return "processed";
}

interface CollectionRow {
  id: string;
  status: Parameters<typeof collectionStep>[0];
  amount: bigint;
  currency: string;
  charge_date: string;
  loan_id: string | null;
  installment_n: number | null;
  member_id: string | null;
  class_id: string | null;
  shares: number | null;
  period: string | null;
  loan_transaction_id: bigint | null;
  share_transaction_id: bigint | null;
  reversal_transaction_id: bigint | null;
}

async function paymentEvent(trx: Executor, organisationId: string, event: GcEvent, now: Date): Promise<DdOutcome> {
  const paymentId = event.links.payment!;
  const peek = await trx.selectFrom("dd_collections").select(["loan_id"]).where("organisation_id", "=", organisationId).where("provider_payment_id", "=", paymentId).executeTakeFirstOrThrow();
  // Locks in the loans' order: the loan first (as every money path on a loan does), then the collection.
  const loan = peek.loan_id ? await lockLoan(trx, organisationId, peek.loan_id) : null;
  const c = (await trx
    .selectFrom("dd_collections")
    .select(["id", "status", "amount", "currency", "charge_date", "loan_id", "installment_n", "member_id", "class_id", "shares", "period", "loan_transaction_id", "share_transaction_id", "reversal_transaction_id"])
    .where("organisation_id", "=", organisationId)
    .where("provider_payment_id", "=", paymentId)
    .forUpdate()
    .executeTakeFirstOrThrow()) as CollectionRow;
  const step = collectionStep(c.status, event.action);
  const today = await organisationToday(trx, organisationId, now);
  const set = (values: { status?: CollectionRow["status"]; failure?: string; loan_transaction_id?: bigint; share_transaction_id?: bigint; reversal_transaction_id?: bigint }) =>
    trx.updateTable("dd_collections").set({ ...values, updated_at: new Date() }).where("organisation_id", "=", organisationId).where("id", "=", c.id).execute();
  switch (step.kind) {
    case "none":
      return "ignored";
    case "status":
      await set({ status: step.status });
      return "processed";
    case "confirm":
      return loan ? confirmRepayment(trx, organisationId, loan, c, paymentId, today, set) : confirmSharePurchase(trx, organisationId, c, paymentId, today, set);
    case "fail":
      return loan ? failRepayment(trx, organisationId, loan, c, paymentId, event, step.status, today, set) : failSharePurchase(trx, organisationId, c, paymentId, event, step.status, today, set);
  }
}

type SetCollection = (values: { status?: CollectionRow["status"]; failure?: string; loan_transaction_id?: bigint; share_transaction_id?: bigint; reversal_transaction_id?: bigint }) => Promise<unknown>;

async function confirmRepayment(trx: Executor, organisationId: string, loan: Loan, c: CollectionRow, paymentId: string, today: string, set: SetCollection): Promise<DdOutcome> {
  const onDate = c.charge_date < today ? c.charge_date : today;
  try {
    // The loan is locked already (recordRepayment locks it again in the same transaction: a no-op).
    const r = await recordRepayment(trx, null, organisationId, loan.id, { amount: BigInt(c.amount), onDate, method: "direct_debit", note: `Direct Debit ${paymentId}` }, today);
    await set({ status: "confirmed", loan_transaction_id: BigInt(r.transactionId) });
    return "processed";
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    // Collected, but the loan cannot take it (repaid or written off meanwhile): never over-record; the officer refunds it.
    const failure = `Collected, but not recorded on the loan: ${error.message} The payer should be refunded.`;
    await set({ status: "confirmed", failure });
    for (const email of await loanOfficerEmails(trx, organisationId, loan.officer_user_id)) {
      await queueEmail(trx, { organisationId, to: email, subject: `Direct Debit collected but not recorded: loan ${loan.reference}`, body: `GoCardless collected ${await collectedAmount(trx, organisationId, c)} (payment ${paymentId}) for installment ${c.installment_n} of loan ${loan.reference}, but it could not be recorded: ${error.message}\n\nPlease refund the borrower in GoCardless's dashboard.\n` });
    }
    return "refused";
  }
}

/** A collection's amount for an email: in its own currency, written in the organisation's locale. */
async function collectedAmount(trx: Executor, organisationId: string, c: CollectionRow): Promise<string> {
  const { locale } = await organisationMoneyStyle(trx, organisationId);
  return displayMoney(BigInt(c.amount), { currency: c.currency, locale });
}

async function failRepayment(trx: Executor, organisationId: string, loan: Loan, c: CollectionRow, paymentId: string, event: GcEvent, status: "failed" | "charged_back" | "cancelled", today: string, set: SetCollection): Promise<DdOutcome> {
  const why = failureWords(event.details, event.action);
  let failure = why;
  let reversalId: bigint | undefined;
  if (c.loan_transaction_id !== null && c.reversal_transaction_id === null) {
    try {
      const r = await reverseRepayment(trx, null, organisationId, loan.id, BigInt(c.loan_transaction_id), today, `Direct Debit ${paymentId}: ${why}`.slice(0, 500), today);
      reversalId = BigInt(r.reversalId);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      failure = `${why} The repayment it recorded could not be reversed automatically (${error.message}): correct the loan by hand.`;
    }
  }
  await set({ status, failure, ...(reversalId !== undefined ? { reversal_transaction_id: reversalId } : {}) });
  if (status === "cancelled" && c.loan_transaction_id === null) return "processed";
  const amount = await collectedAmount(trx, organisationId, c);
  for (const email of await loanOfficerEmails(trx, organisationId, loan.officer_user_id)) {
    await queueEmail(trx, {
      organisationId,
      to: email,
      subject: `Direct Debit ${status === "charged_back" ? "charged back" : "failed"}: loan ${loan.reference}`,
      body: `The Direct Debit of ${amount} for installment ${c.installment_n} of loan ${loan.reference} (${loan.legal_name}) ${status === "charged_back" ? "was charged back" : "failed"} (payment ${paymentId}). ${failure}\n\n${reversalId !== undefined ? "The repayment recorded for it has been reversed. " : ""}The installment is open again; the borrower has been told.\n`,
    });
  }
  if (loan.contact_email) {
    await queueEmail(trx, {
      organisationId,
      to: loan.contact_email,
      subject: `Your Direct Debit payment for loan ${loan.reference} was not collected`,
      body: `Hello,\n\nThe Direct Debit payment of ${amount} for installment ${c.installment_n} of loan ${loan.reference} could not be collected${event.details?.description ? ` (${event.details.description})` : ""}, so it is still owed. Please pay it by bank transfer quoting ${loanPaymentReference(loan.reference)}, or contact your loan officer.\n`,
    });
  }
  await recordAudit(trx, { organisationId, actorUserId: null, action: `dd.collection_${status}`, entityType: "loan", entityId: loan.id, after: { collectionId: c.id, paymentId, reversalId: reversalId ?? null, cause: event.details?.cause ?? null } });
  return "processed";
}

async function confirmSharePurchase(trx: Executor, organisationId: string, c: CollectionRow, paymentId: string, today: string, set: SetCollection): Promise<DdOutcome> {
  const result = await recordPurchase(trx, { organisationId, actorUserId: null, memberId: c.member_id!, classId: c.class_id!, shares: c.shares!, on: today, method: "direct_debit", reference: `Direct Debit ${paymentId}` });
  if (!result.ok) {
    // Collected, but the rules no longer allow the purchase (the maximum holding reached): never over-issue.
    const failure = `Collected, but the shares could not be issued: ${result.reason} The member should be refunded.`;
    await set({ status: "confirmed", failure });
    for (const email of await roleEmails(trx, organisationId, "secretary")) {
      await queueEmail(trx, { organisationId, to: email, subject: "Direct Debit collected but shares not issued", body: `GoCardless collected ${await collectedAmount(trx, organisationId, c)} (payment ${paymentId}) for a member's share instalment (${c.period}), but the shares could not be issued: ${result.reason}\n\nPlease refund the member in GoCardless's dashboard.\n` });
    }
    return "refused";
  }
  await set({ status: "confirmed", share_transaction_id: result.transactionId });
  return "processed";
}

async function failSharePurchase(trx: Executor, organisationId: string, c: CollectionRow, paymentId: string, event: GcEvent, status: "failed" | "charged_back" | "cancelled", today: string, set: SetCollection): Promise<DdOutcome> {
  const why = failureWords(event.details, event.action);
  let failure = why;
  if (c.share_transaction_id !== null) {
    const reversed = await reverseTransaction(trx, null, organisationId, BigInt(c.share_transaction_id), today, `Direct Debit ${paymentId} ${status === "charged_back" ? "charged back" : "failed"}`);
    if (reversed === null) failure = `${why} The share purchase could not be reversed automatically: correct the register by hand.`;
    else failure = `${why} The shares issued for it were cancelled.`;
  }
  await set({ status, failure });
  if (status === "cancelled" && c.share_transaction_id === null) return "processed";
  const member = await memberForShares(trx, organisationId, c.member_id!);
  const amount = await collectedAmount(trx, organisationId, c);
  for (const email of await roleEmails(trx, organisationId, "secretary")) {
    await queueEmail(trx, { organisationId, to: email, subject: `Direct Debit ${status === "charged_back" ? "charged back" : "failed"}: share instalment`, body: `The Direct Debit of ${amount} for ${member?.name ?? "a member"}'s share instalment (${c.period}) ${status === "charged_back" ? "was charged back" : "failed"} (payment ${paymentId}). ${failure}\n` });
  }
  if (member?.email) {
    await queueEmail(trx, { organisationId, to: member.email, subject: "Your Direct Debit for shares was not collected", body: `Dear ${member.name},\n\nYour Direct Debit payment of ${amount} for this month's shares (${c.period}) could not be collected${event.details?.description ? ` (${event.details.description})` : ""}, so no shares were issued for it. The next month's instalment will be collected as usual.\n` });
  }
  return "processed";
}
