import { sql, type Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { COLLECTION_WORDS, COLLECT_DAYS_AHEAD, MANDATE_WORDS, mandateEnded, requestedChargeDate, shareMonthsDue, type MandateStatus } from "~/domain/treasury/direct-debit";
import { displayMoney } from "~/domain/money";
import { checkPurchase, type MemberStatus } from "~/domain/shares/rules";
import { recordAudit } from "~/models/core/audit.server";
import type { AuditKind } from "~/domain/audit-words";
import { lockSubmissionKey } from "~/models/core/form-submissions.server";
import { queueEmail } from "~/models/core/outbox.server";
import { organisationCurrency, organisationMoneyStyle } from "~/models/core/organisations.server";
import { DEFAULT_LOCALE } from "~/domain/locale";
import { getLoan } from "~/models/lending/loans.server";
import { getShareClass, memberForShares, memberKind, toDomainClass } from "~/models/shares/share-classes-and-holdings.server";
import { addDays } from "~/domain/calendar";
import type { Database, Executor } from "~/utils/db.server";
import { GoCardlessError, type GcMandate, type GoCardless } from "~/utils/gocardless.server";

/*
 * Direct Debit through GoCardless (issue #18 point 3, ADR 0019). A mandate
 * is the payer's authority: a borrower's for a loan's installments, or a
 * member's for so many shares a month. The daily run asks GoCardless for a
 * collection of each installment falling due soon (one per installment, and
 * one per month of shares, however often it runs); nothing is recorded on
 * the ledgers until GoCardless's signed webhook confirms the money
 * (payments/gocardless-webhooks.server.ts).
 *
 * Network calls are made outside transactions, as for Stripe: the row is
 * written first, then GoCardless is asked with the row's id as idempotency
 * key, so a retry (of the form or the job) never makes a second mandate
 * request or a second payment.
 */

const LIVE_COLLECTION = ["scheduled", "pending_submission", "submitted"] as const;
const PROVIDER_MANDATE_STATUS: Record<string, MandateStatus> = {
  pending_customer_approval: "pending_submission",
  pending_submission: "pending_submission",
  submitted: "submitted",
  active: "active",
  suspended_by_payer: "active",
  failed: "failed",
  blocked: "failed",
  cancelled: "cancelled",
  expired: "expired",
  consumed: "expired",
};

type Started = { ok: true; url: string; mandateId: string } | { ok: false; reason: string; field?: string };

/** A loan's Direct Debit as its pages show it: the mandate (the live one, else the latest) and its collections, newest first. */
/** `locale`: the organisation's, that the collections' amounts are written in. */
export async function loanDirectDebit(db: Executor, organisationId: string, loanId: string, locale = DEFAULT_LOCALE) {
  const mandate = await db
    .selectFrom("dd_mandates")
    .select(["id", "status", "provider_mandate_id", "authorisation_url", "failure", "created_at"])
    .where("organisation_id", "=", organisationId)
    .where("loan_id", "=", loanId)
    .orderBy(sql`status IN ('cancelled','failed','expired')`)
    .orderBy("created_at", "desc")
    .executeTakeFirst();
  const collections = await db
    .selectFrom("dd_collections")
    .select(["id", "installment_n", "amount", "currency", "charge_date", "status", "provider_payment_id", "failure"])
    .where("organisation_id", "=", organisationId)
    .where("loan_id", "=", loanId)
    .orderBy("charge_date", "desc")
    .orderBy("created_at", "desc")
    .limit(24)
    .execute();
  return {
    mandate: mandate
      ? { id: mandate.id, status: mandate.status, words: MANDATE_WORDS[mandate.status], live: !mandateEnded(mandate.status), providerId: mandate.provider_mandate_id, authorisationUrl: mandate.status === "setting_up" ? mandate.authorisation_url : null, failure: mandate.failure }
      : null,
    collections: collections.map((c) => ({
      id: c.id, installment: c.installment_n, amount: displayMoney(BigInt(c.amount), { currency: c.currency, locale }), chargeDate: c.charge_date, status: c.status, words: COLLECTION_WORDS[c.status], paymentId: c.provider_payment_id, failure: c.failure,
    })),
  };
}
export type LoanDirectDebitView = Awaited<ReturnType<typeof loanDirectDebit>>;

/** A member's share instalment mandates (live first) and their recent collections, as their page shows them. */
export async function memberShareMandates(db: Executor, organisationId: string, memberId: string) {
  const style = await organisationMoneyStyle(db, organisationId);
  const mandates = await db
    .selectFrom("dd_mandates as m")
    .innerJoin("share_classes as c", (j) => j.onRef("c.organisation_id", "=", "m.organisation_id").onRef("c.id", "=", "m.class_id"))
    .select(["m.id", "m.status", "m.shares_per_month", "m.collection_day", "m.authorisation_url", "c.name as class_name", "c.par_value"])
    .where("m.organisation_id", "=", organisationId)
    .where("m.member_id", "=", memberId)
    .where("m.purpose", "=", "shares")
    .orderBy(sql`m.status IN ('cancelled','failed','expired')`)
    .orderBy("m.created_at", "desc")
    .limit(10)
    .execute();
  const collections = await db
    .selectFrom("dd_collections")
    .select(["id", "period", "shares", "amount", "currency", "charge_date", "status", "failure"])
    .where("organisation_id", "=", organisationId)
    .where("member_id", "=", memberId)
    .orderBy("charge_date", "desc")
    .limit(12)
    .execute();
  return {
    mandates: mandates.map((m) => ({
      id: m.id, status: m.status, words: MANDATE_WORDS[m.status], live: !mandateEnded(m.status), className: m.class_name, sharesPerMonth: m.shares_per_month ?? 0, day: m.collection_day ?? 1,
      monthly: displayMoney(BigInt(m.par_value) * BigInt(m.shares_per_month ?? 0), style), authorisationUrl: m.status === "setting_up" ? m.authorisation_url : null,
    })),
    collections: collections.map((c) => ({ id: c.id, period: c.period, shares: c.shares, amount: displayMoney(BigInt(c.amount), { currency: c.currency, locale: style.locale }), chargeDate: c.charge_date, words: COLLECTION_WORDS[c.status], failure: c.failure })),
  };
}
export type ShareMandatesView = Awaited<ReturnType<typeof memberShareMandates>>;

async function audit(db: Executor, organisationId: string, actorUserId: string | null, action: AuditKind, mandateId: string, after: Record<string, unknown>) {
  await recordAudit(db, { organisationId, actorUserId, action, entityType: "dd_mandate", entityId: mandateId, after });
}

/**
 * Ask GoCardless for the payer's authorisation page of a mandate row just
 * written (a billing request with a mandate request, and its hosted flow);
 * keeps the page's address on the row and returns it. A row that already has
 * one answers with it.
 */
async function requestAuthorisation(db: Database, gc: GoCardless, row: { id: string; organisation_id: string; authorisation_url: string | null; provider_billing_request_id: string | null }, input: { currency: string; description: string; returnTo: string }): Promise<{ url: string; fresh: boolean }> {
  if (row.authorisation_url) return { url: row.authorisation_url, fresh: false };
  const br = row.provider_billing_request_id
    ? { id: row.provider_billing_request_id }
    : await gc.createBillingRequest({ currency: input.currency, description: input.description, metadata: { mandate: row.id } }, `dd-mandate-${row.id}`);
  const flow = await gc.createBillingRequestFlow({ billingRequestId: br.id, redirectUri: input.returnTo, exitUri: input.returnTo });
  // Two tries of one form at once both get a page: the first written is the one kept (and emailed).
  const written = await db
    .updateTable("dd_mandates")
    .set({ provider_billing_request_id: br.id, authorisation_url: flow.authorisation_url, updated_at: new Date() })
    .where("organisation_id", "=", row.organisation_id)
    .where("id", "=", row.id)
    .where("authorisation_url", "is", null)
    .executeTakeFirst();
  if (Number(written.numUpdatedRows ?? 0n)) return { url: flow.authorisation_url, fresh: true };
  const kept = await db.selectFrom("dd_mandates").select("authorisation_url").where("organisation_id", "=", row.organisation_id).where("id", "=", row.id).executeTakeFirstOrThrow();
  return { url: kept.authorisation_url ?? flow.authorisation_url, fresh: false };
}

/** Another live mandate exists (the unique index said so): a clear refusal, not a 500. */
function liveMandateRefusal(error: unknown, what: string): { ok: false; reason: string } {
  if (error && typeof error === "object" && (error as { code?: string }).code === "23505") return { ok: false, reason: `${what} already has a Direct Debit mandate; cancel it first.` };
  throw error;
}

/**
 * A mandate form's submission key, locked and looked up: the mandate a retry
 * of the same form already made, a refusal when the key was used for
 * something else, or null for a first submission.
 */
async function earlierSubmission(trx: Transaction<DB>, idempotencyKey: string, sameForm: (row: { organisation_id: string; loan_id: string | null; member_id: string | null }) => boolean) {
  await lockSubmissionKey(trx, idempotencyKey);
  const existing = await trx.selectFrom("dd_mandates").selectAll().where("idempotency_key", "=", idempotencyKey).executeTakeFirst();
  if (!existing) return null;
  if (!sameForm(existing)) return { ok: false as const, reason: "This form was already used; reload the page." };
  return { ok: true as const, row: existing };
}

/**
 * Set up a Direct Debit for a loan's installments (loans:write): a mandate
 * row waiting for the borrower, GoCardless's authorisation page for them
 * (emailed to the borrower's contact, and returned so the officer can pass
 * it on), and nothing collected until the mandate is active.
 */
export async function startLoanMandate(
  db: Database,
  gc: GoCardless,
  input: { organisationId: string; actorUserId: string; loanId: string; idempotencyKey: string; appUrl: string },
): Promise<Started> {
  let prepared;
  try {
    prepared = await db.transaction().execute(async (trx) => {
      const earlier = await earlierSubmission(trx, input.idempotencyKey, (r) => r.organisation_id === input.organisationId && r.loan_id === input.loanId);
      if (earlier) return earlier;
      const loan = await getLoan(trx, input.organisationId, input.loanId);
      if (!loan) return { ok: false as const, reason: "There is no such loan." };
      if (loan.status !== "active") return { ok: false as const, reason: `Loan ${loan.reference} is not open for repayments.` };
      const row = await trx
        .insertInto("dd_mandates")
        .values({ organisation_id: input.organisationId, purpose: "loan", loan_id: loan.id, idempotency_key: input.idempotencyKey, created_by: input.actorUserId })
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(trx, input.organisationId, input.actorUserId, "dd.mandate_requested", row.id, { loanId: loan.id });
      return { ok: true as const, row };
    });
  } catch (error) {
    return liveMandateRefusal(error, "This loan");
  }
  if (!prepared.ok) return prepared;
  const { row } = prepared;
  const loan = await getLoan(db, input.organisationId, input.loanId);
  const currency = await organisationCurrency(db, input.organisationId);
  // Emailed once: when the page is first obtained (also on the retry of a form whose first try GoCardless did not answer).
  const { url, fresh } = await requestAuthorisation(db, gc, row, { currency, description: `Repayments of loan ${loan?.reference ?? ""}`, returnTo: `${input.appUrl}/my/loans` });
  if (fresh && loan?.contact_email) {
    await queueEmail(db, {
      organisationId: input.organisationId,
      to: loan.contact_email,
      subject: `Set up a Direct Debit for loan ${loan.reference}`,
      body: `Hello,\n\nYour loan officer has asked you to set up a Direct Debit for the repayments of loan ${loan.reference} (${loan.legal_name}). Each installment will then be collected on its due date, and you will be told before each one.\n\nAuthorise it here (on GoCardless's secure page): ${url}\n`,
    });
  }
  return { ok: true, url, mandateId: row.id };
}

/**
 * Record a mandate the borrower already gave through GoCardless's own
 * dashboard (loans:write): GoCardless is asked about it first, so only a
 * mandate that exists and is usable is recorded.
 */
export async function recordExistingLoanMandate(
  db: Database,
  gc: GoCardless,
  input: { organisationId: string; actorUserId: string; loanId: string; providerMandateId: string; idempotencyKey: string },
): Promise<{ ok: true; mandateId: string } | { ok: false; reason: string; field?: string }> {
  let found: GcMandate;
  try {
    found = await gc.getMandate(input.providerMandateId);
  } catch (error) {
    if (error instanceof GoCardlessError && error.status === 404) return { ok: false, reason: `GoCardless has no mandate ${input.providerMandateId}.`, field: "providerMandateId" };
    throw error;
  }
  const status = PROVIDER_MANDATE_STATUS[found.status];
  if (!status || mandateEnded(status)) return { ok: false, reason: `That mandate is ${found.status.replace(/_/g, " ")} at GoCardless: it cannot be used.`, field: "providerMandateId" };
  try {
    return await db.transaction().execute(async (trx) => {
      const earlier = await earlierSubmission(trx, input.idempotencyKey, (r) => r.organisation_id === input.organisationId && r.loan_id === input.loanId);
      if (earlier) return earlier.ok ? { ok: true as const, mandateId: earlier.row.id } : earlier;
      const loan = await getLoan(trx, input.organisationId, input.loanId);
      if (!loan) return { ok: false as const, reason: "There is no such loan." };
      if (loan.status !== "active") return { ok: false as const, reason: `Loan ${loan.reference} is not open for repayments.` };
      const taken = await trx.selectFrom("dd_mandates").select("id").where("provider_mandate_id", "=", found.id).executeTakeFirst();
      if (taken) return { ok: false as const, reason: "That mandate is already recorded here.", field: "providerMandateId" };
      const row = await trx
        .insertInto("dd_mandates")
        .values({ organisation_id: input.organisationId, purpose: "loan", loan_id: loan.id, provider_mandate_id: found.id, status, idempotency_key: input.idempotencyKey, created_by: input.actorUserId })
        .returning("id")
        .executeTakeFirstOrThrow();
      await audit(trx, input.organisationId, input.actorUserId, "dd.mandate_recorded", row.id, { loanId: loan.id, providerMandateId: found.id, status });
      return { ok: true as const, mandateId: row.id };
    });
  } catch (error) {
    return liveMandateRefusal(error, "This loan");
  }
}

/**
 * A member asks to buy so many shares of a class each month by Direct Debit
 * (self:write): checked against the class's rules now (each month's purchase
 * is checked again when its money is confirmed), then GoCardless's
 * authorisation page.
 */
export async function startShareMandate(
  db: Database,
  gc: GoCardless,
  input: { organisationId: string; actorUserId: string; memberId: string; classId: string; sharesPerMonth: number; collectionDay: number; idempotencyKey: string; appUrl: string },
): Promise<Started> {
  let prepared;
  try {
    prepared = await db.transaction().execute(async (trx) => {
      const earlier = await earlierSubmission(trx, input.idempotencyKey, (r) => r.organisation_id === input.organisationId && r.member_id === input.memberId);
      if (earlier) return earlier.ok ? { ...earlier, className: "" } : earlier;
      const [member, cls, money] = await Promise.all([memberForShares(trx, input.organisationId, input.memberId), getShareClass(trx, input.organisationId, input.classId), organisationMoneyStyle(trx, input.organisationId)]);
      if (!member) return { ok: false as const, reason: "Your log-in is not linked to a member of this society." };
      if (!cls) return { ok: false as const, reason: "No such share class", field: "classId" };
      const holding = await trx.selectFrom("share_holdings").select("shares").where("organisation_id", "=", input.organisationId).where("member_id", "=", input.memberId).where("class_id", "=", input.classId).executeTakeFirst();
      const check = checkPurchase({ cls: toDomainClass(cls), currentShares: Number(holding?.shares ?? 0), buyShares: input.sharesPerMonth, memberStatus: member.status as MemberStatus, memberKind: memberKind(member.kind), money });
      if (!check.ok) return { ok: false as const, reason: check.reason, field: check.field === "buyShares" ? "sharesPerMonth" : "classId" };
      const row = await trx
        .insertInto("dd_mandates")
        .values({
          organisation_id: input.organisationId, purpose: "shares", member_id: input.memberId, class_id: input.classId,
          shares_per_month: input.sharesPerMonth, collection_day: input.collectionDay, idempotency_key: input.idempotencyKey, created_by: input.actorUserId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(trx, input.organisationId, input.actorUserId, "dd.mandate_requested", row.id, { memberId: input.memberId, classId: input.classId, sharesPerMonth: input.sharesPerMonth, collectionDay: input.collectionDay, amount: check.amount });
      return { ok: true as const, row, className: cls.name };
    });
  } catch (error) {
    return liveMandateRefusal(error, "Your holding in this class");
  }
  if (!prepared.ok) return prepared;
  const currency = await organisationCurrency(db, input.organisationId);
  const { url } = await requestAuthorisation(db, gc, prepared.row, { currency, description: `Monthly share instalment${prepared.className ? ` (${prepared.className})` : ""}`, returnTo: `${input.appUrl}/my/direct-debit` });
  return { ok: true, url, mandateId: prepared.row.id };
}

/** In a transaction: collections not yet taken under a mandate that ended are cancelled (GoCardless cancels its own). */
export async function cancelLiveCollections(trx: Executor, organisationId: string, mandateId: string, why: string) {
  const r = await trx
    .updateTable("dd_collections")
    .set({ status: "cancelled", failure: why, updated_at: new Date() })
    .where("organisation_id", "=", organisationId)
    .where("mandate_id", "=", mandateId)
    .where("status", "in", LIVE_COLLECTION)
    .executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0n);
}

/**
 * Cancel a mandate (the officer for a loan's, the member for their own):
 * GoCardless is told first (it then cancels the payments it holds), then the
 * mandate and its collections not yet taken are cancelled here. Collections
 * already confirmed stay as they are.
 */
export async function cancelMandate(
  db: Database,
  gc: GoCardless,
  input: { organisationId: string; actorUserId: string | null; mandateId: string; loanId?: string; memberId?: string },
): Promise<{ ok: true; cancelledCollections: number } | { ok: false; reason: string }> {
  let q = db.selectFrom("dd_mandates").select(["id", "status", "provider_mandate_id"]).where("organisation_id", "=", input.organisationId).where("id", "=", input.mandateId);
  if (input.loanId) q = q.where("loan_id", "=", input.loanId);
  if (input.memberId) q = q.where("member_id", "=", input.memberId);
  const mandate = await q.executeTakeFirst();
  if (!mandate) return { ok: false, reason: "There is no such mandate." };
  if (mandateEnded(mandate.status)) return { ok: false, reason: `The mandate is already ${mandate.status}.` };
  if (mandate.provider_mandate_id) {
    try {
      await gc.cancelMandate(mandate.provider_mandate_id);
    } catch (error) {
      // Already cancelled at GoCardless (by the payer's bank, say): cancel it here too.
      if (!(error instanceof GoCardlessError && error.status === 422)) throw error;
    }
  }
  return db.transaction().execute(async (trx) => {
    const locked = await trx.selectFrom("dd_mandates").select("status").where("organisation_id", "=", input.organisationId).where("id", "=", mandate.id).forUpdate().executeTakeFirstOrThrow();
    if (mandateEnded(locked.status)) return { ok: true as const, cancelledCollections: 0 };
    await trx.updateTable("dd_mandates").set({ status: "cancelled", cancelled_at: new Date(), updated_at: new Date() }).where("organisation_id", "=", input.organisationId).where("id", "=", mandate.id).execute();
    const n = await cancelLiveCollections(trx, input.organisationId, mandate.id, "The mandate was cancelled.");
    await audit(trx, input.organisationId, input.actorUserId, "dd.mandate_cancelled", mandate.id, { cancelledCollections: n });
    return { ok: true as const, cancelledCollections: n };
  });
}

const USABLE_MANDATE = ["pending_submission", "submitted", "active"] as const;

/**
 * Write the collections due from today to COLLECT_DAYS_AHEAD days on: for
 * each usable loan mandate, each installment falling due then that is still
 * owed and has no live collection, for what is owed on it; for each share
 * mandate, each month whose collection day falls then. The partial unique
 * indexes make a second run (or a concurrent one) write nothing more.
 */
export async function scheduleCollections(db: Executor, organisationId: string, today: string): Promise<number> {
  const until = addDays(today, COLLECT_DAYS_AHEAD);
  const currency = await organisationCurrency(db, organisationId);
  const loans = await sql`
    INSERT INTO dd_collections (organisation_id, mandate_id, loan_id, installment_n, amount, currency, charge_date)
    SELECT m.organisation_id, m.id, i.loan_id, i.n,
           i.principal + i.interest + i.fees - i.paid_principal - i.paid_interest - i.paid_fees, ${currency}, i.due_on
    FROM dd_mandates m
    JOIN loans l ON l.organisation_id = m.organisation_id AND l.id = m.loan_id AND l.status = 'active'
    JOIN loan_installments i ON i.organisation_id = m.organisation_id AND i.loan_id = m.loan_id
    WHERE m.organisation_id = ${organisationId} AND m.purpose = 'loan' AND m.status IN ('pending_submission','submitted','active')
      AND i.due_on BETWEEN ${today} AND ${until}
      AND i.principal + i.interest + i.fees - i.paid_principal - i.paid_interest - i.paid_fees > 0
      AND NOT EXISTS (
        SELECT 1 FROM dd_collections c
        WHERE c.organisation_id = i.organisation_id AND c.loan_id = i.loan_id AND c.installment_n = i.n
          AND c.status IN ('scheduled','pending_submission','submitted','confirmed','paid_out'))
    ON CONFLICT DO NOTHING
  `.execute(db);
  let written = Number(loans.numAffectedRows ?? 0n);
  const shareMandates = await db
    .selectFrom("dd_mandates as m")
    .innerJoin("share_classes as c", (j) => j.onRef("c.organisation_id", "=", "m.organisation_id").onRef("c.id", "=", "m.class_id"))
    .select(["m.id", "m.member_id", "m.class_id", "m.shares_per_month", "m.collection_day", "c.par_value"])
    .where("m.organisation_id", "=", organisationId)
    .where("m.purpose", "=", "shares")
    .where("m.status", "in", USABLE_MANDATE)
    .execute();
  for (const m of shareMandates) {
    for (const month of shareMonthsDue(m.collection_day!, today, until)) {
      const r = await db
        .insertInto("dd_collections")
        .values({
          organisation_id: organisationId, mandate_id: m.id, member_id: m.member_id, class_id: m.class_id, shares: m.shares_per_month,
          period: month.period, amount: BigInt(m.par_value) * BigInt(m.shares_per_month!), currency, charge_date: month.chargeOn,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      written += Number(r.numInsertedOrUpdatedRows ?? 0n);
    }
  }
  return written;
}

/** Whom to tell about a loan's collections: its officer, or else every loan officer of the society. */
export async function loanOfficerEmails(db: Executor, organisationId: string, officerUserId: string | null): Promise<string[]> {
  if (officerUserId) {
    const u = await db.selectFrom("users").select("email").where("id", "=", officerUserId).executeTakeFirst();
    if (u) return [u.email];
  }
  return roleEmails(db, organisationId, "loan_officer");
}

/** The emails of the society's users holding a role. */
export async function roleEmails(db: Executor, organisationId: string, role: "loan_officer" | "secretary"): Promise<string[]> {
  const rows = await db
    .selectFrom("user_roles as r")
    .innerJoin("users as u", "u.id", "r.user_id")
    .select("u.email")
    .where("r.organisation_id", "=", organisationId)
    .where("r.role", "=", role)
    .orderBy("u.email")
    .execute();
  return rows.map((r) => r.email);
}

/**
 * Ask GoCardless for each collection written but not yet asked for, with the
 * collection's id as idempotency key (a retried job gets the same payment
 * back). A collection under a mandate that has ended meanwhile is cancelled;
 * one GoCardless refuses (a 4xx other than a retry's) fails, which reopens
 * the installment and tells the officer. A network failure throws: the job
 * is retried.
 */
export async function submitCollections(db: Database, gc: GoCardless, organisationId: string, today: string): Promise<{ submitted: number; refused: number }> {
  const due = await db
    .selectFrom("dd_collections as c")
    .innerJoin("dd_mandates as m", (j) => j.onRef("m.organisation_id", "=", "c.organisation_id").onRef("m.id", "=", "c.mandate_id"))
    .leftJoin("loans as l", (j) => j.onRef("l.organisation_id", "=", "c.organisation_id").onRef("l.id", "=", "c.loan_id"))
    .select(["c.id", "c.amount", "c.currency", "c.charge_date", "c.installment_n", "c.period", "c.shares", "m.id as mandate_id", "m.status as mandate_status", "m.provider_mandate_id", "l.reference as loan_reference", "l.officer_user_id"])
    .where("c.organisation_id", "=", organisationId)
    .where("c.status", "=", "scheduled")
    .orderBy("c.charge_date")
    .execute();
  let submitted = 0;
  let refusedCount = 0;
  const { locale } = await organisationMoneyStyle(db, organisationId);
  for (const c of due) {
    if (mandateEnded(c.mandate_status) || !c.provider_mandate_id) {
      if (mandateEnded(c.mandate_status)) await cancelLiveCollections(db, organisationId, c.mandate_id, "The mandate was cancelled.");
      continue;
    }
    const what = c.loan_reference !== null ? `Loan ${c.loan_reference}, installment ${c.installment_n}` : `${c.shares} shares, ${c.period}`;
    let payment;
    try {
      payment = await gc.createPayment(
        { mandateId: c.provider_mandate_id, amount: BigInt(c.amount), currency: c.currency, chargeDate: requestedChargeDate(c.charge_date, today), description: what, metadata: { collection: c.id } },
        `dd-collection-${c.id}`,
      );
    } catch (error) {
      if (!(error instanceof GoCardlessError) || error.status < 400 || error.status >= 500 || error.status === 429) throw error;
      refusedCount += 1;
      await db.transaction().execute(async (trx) => {
        const r = await trx.updateTable("dd_collections").set({ status: "failed", failure: `GoCardless refused the payment: ${error.message}`, updated_at: new Date() })
          .where("organisation_id", "=", organisationId).where("id", "=", c.id).where("status", "=", "scheduled").executeTakeFirst();
        if (!Number(r.numUpdatedRows ?? 0n)) return;
        const to = c.loan_reference !== null ? await loanOfficerEmails(trx, organisationId, c.officer_user_id) : await roleEmails(trx, organisationId, "secretary");
        for (const email of to) {
          await queueEmail(trx, { organisationId, to: email, subject: `Direct Debit not asked for: ${what}`, body: `GoCardless refused to take the Direct Debit of ${displayMoney(BigInt(c.amount), { currency: c.currency, locale })} for ${what}: ${error.message}\n\nNothing was collected; the installment is still open. Please arrange the payment another way or check the mandate.\n` });
        }
      });
      continue;
    }
    const r = await db
      .updateTable("dd_collections")
      .set({ provider_payment_id: payment.id, status: payment.status === "submitted" ? "submitted" : "pending_submission", charge_date: payment.charge_date ?? c.charge_date, updated_at: new Date() })
      .where("organisation_id", "=", organisationId)
      .where("id", "=", c.id)
      .where("status", "=", "scheduled")
      .executeTakeFirst();
    submitted += Number(r.numUpdatedRows ?? 0n);
  }
  return { submitted, refused: refusedCount };
}

/**
 * Mandates of loans that are no longer open (repaid, written off, pay-out
 * reversed) are cancelled, at GoCardless too: nothing more is owed under them,
 * and the borrower should not keep a Direct Debit to the society.
 */
export async function endMandatesOfClosedLoans(db: Database, gc: GoCardless, organisationId: string): Promise<number> {
  const ended = await db
    .selectFrom("dd_mandates as m")
    .innerJoin("loans as l", (j) => j.onRef("l.organisation_id", "=", "m.organisation_id").onRef("l.id", "=", "m.loan_id"))
    .select(["m.id", "m.loan_id"])
    .where("m.organisation_id", "=", organisationId)
    .where("m.purpose", "=", "loan")
    .where("m.status", "not in", ["cancelled", "failed", "expired"])
    .where("l.status", "<>", "active")
    .execute();
  let n = 0;
  for (const m of ended) {
    const r = await cancelMandate(db, gc, { organisationId, actorUserId: null, mandateId: m.id, loanId: m.loan_id! });
    if (r.ok) n += 1;
  }
  return n;
}

/** The daily run for one organisation: end the mandates of closed loans, write the collections due soon, then ask GoCardless for them. */
export async function collectDirectDebits(db: Database, gc: GoCardless, organisationId: string, today: string) {
  const mandatesEnded = await endMandatesOfClosedLoans(db, gc, organisationId);
  const scheduled = await scheduleCollections(db, organisationId, today);
  const { submitted, refused: refusedCount } = await submitCollections(db, gc, organisationId, today);
  return { scheduled, submitted, refused: refusedCount, mandatesEnded };
}
