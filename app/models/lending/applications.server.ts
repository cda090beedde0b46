import { sql } from "kysely";
import { displayMoney, formatMinor, parseMoney } from "~/domain/money";
import { firstDueProblem, payoutDateProblem } from "~/domain/lending/date-rules";
import { validateOffer } from "~/domain/lending/products";
import { dateInZone } from "~/domain/today";
import { generateSchedule, scheduleToJson } from "~/domain/lending/schedule";
import { aprOfSchedule, capOf, loanTerms, plainRate, productForValidation } from "~/domain/lending/terms";
import type { ApplicationInput, ApplicationStep } from "~/schemas/lending";
import type { Executor } from "~/utils/db.server";
import type { ApplicationStatus } from "../../../db/tables/lending";
import { recordAudit } from "~/models/core/audit.server";
import { refused } from "~/domain/refusal";
import { queueEmail } from "~/models/core/outbox.server";
import { createLoanFromApplication, inTransaction } from "~/models/lending/loans.server";
import { getOrganisation, organisationMoneyStyle } from "~/models/core/organisations.server";
import { isUuid } from "~/schemas/common";
import { getProduct, type Product } from "~/models/lending/products.server";

/** Check amount, term and rate against the product and the organisation's rate cap. */
async function checkOffer(db: Executor, organisationId: string, product: Product, offer: { amount: bigint; termPeriods: number; annualRate: string; disbursed: string; firstDue?: string }) {
  const org = await getOrganisation(db, organisationId);
  const terms = loanTerms(product, offer);
  const decision = validateOffer(productForValidation(product), terms, capOf(org.rules), org);
  if (!decision.ok) throw refused(decision.reason);
  return terms;
}

async function nextApplicationReference(db: Executor, organisationId: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${"application-references:" + organisationId}))`.execute(db);
  const r = await db
    .selectFrom("loan_applications")
    .select((eb) => eb.fn.max("reference").as("max"))
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
  return Number(r?.max ?? 0) + 1;
}

export async function createApplication(db: Executor, actorUserId: string | null, organisationId: string, input: ApplicationInput, today: string) {
  const borrower = await db.selectFrom("borrowers").select(["id", "legal_name"]).where("organisation_id", "=", organisationId).where("id", "=", input.borrowerId).executeTakeFirst();
  if (!borrower) throw refused("Choose a borrower of this organisation.", "borrowerId");
  const product = await getProduct(db, organisationId, input.productId);
  if (!product) throw refused("Choose one of this organisation's products.", "productId");
  // Applications already taken on a retired product carry on; only new ones are refused.
  if (product.retired_on) throw refused(`"${product.name}" was retired on ${product.retired_on} and is no longer offered for new applications: choose another product.`, "productId");
  const amount = parseMoney(input.amount);
  await checkOffer(db, organisationId, product, { amount, termPeriods: input.termPeriods, annualRate: input.annualRate, disbursed: today });
  const app = await db
    .insertInto("loan_applications")
    .values({
      organisation_id: organisationId,
      reference: await nextApplicationReference(db, organisationId),
      borrower_id: borrower.id,
      product_id: product.id,
      amount,
      term_periods: input.termPeriods,
      annual_rate: input.annualRate,
      purpose: input.purpose,
      status: "draft",
      officer_user_id: actorUserId,
    })
    .returning(["id", "reference", "status", "amount", "term_periods", "annual_rate"])
    .executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId, action: "loan_application.created", entityType: "loan_application", entityId: app.id, after: app });
  return app;
}

export const APPLICATION_STATUS_LABEL: Record<ApplicationStatus, string> = {
  draft: "Draft",
  submitted: "Submitted",
  under_review: "Under review",
  committee: "With the credit committee",
  approved: "Approved",
  declined: "Declined",
  offered: "Offer made",
  accepted: "Offer accepted",
  disbursed: "Paid out",
  withdrawn: "Withdrawn",
};

export async function listLoanApplications(db: Executor, organisationId: string) {
  return db
    .selectFrom("loan_applications as a")
    .innerJoin("borrowers as b", (j) => j.onRef("b.organisation_id", "=", "a.organisation_id").onRef("b.id", "=", "a.borrower_id"))
    .innerJoin("loan_products as p", (j) => j.onRef("p.organisation_id", "=", "a.organisation_id").onRef("p.id", "=", "a.product_id"))
    .select(["a.id", "a.reference", "a.status", "a.amount", "a.term_periods", "a.annual_rate", "a.created_at", "b.legal_name", "p.name as product_name"])
    .where("a.organisation_id", "=", organisationId)
    .orderBy("a.reference", "desc")
    .limit(500)
    .execute();
}

export async function getApplication(db: Executor, organisationId: string, applicationId: string) {
  if (!isUuid(applicationId)) return undefined;
  return db
    .selectFrom("loan_applications as a")
    .innerJoin("borrowers as b", (j) => j.onRef("b.organisation_id", "=", "a.organisation_id").onRef("b.id", "=", "a.borrower_id"))
    .selectAll("a")
    .select(["b.legal_name", "b.contact_email", "b.is_local"])
    .where("a.organisation_id", "=", organisationId)
    .where("a.id", "=", applicationId)
    .executeTakeFirst();
}
export type Application = NonNullable<Awaited<ReturnType<typeof getApplication>>>;

/** The application's live loan; one whose pay-out was reversed as an error only if there is no other. */
export async function loanOfApplication(db: Executor, organisationId: string, applicationId: string) {
  return db
    .selectFrom("loans")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where("application_id", "=", applicationId)
    .orderBy(sql`status = 'reversed'`)
    .orderBy("reference", "desc")
    .executeTakeFirst();
}

/**
 * Lock an application's row (SELECT ... FOR UPDATE, scoped by organisation)
 * and read it afresh, inside the transaction that moves it on: two pay-outs
 * (or a pay-out and a withdrawal) of one application queue up, and the
 * second sees the status the first left.
 */
export async function lockApplication(db: Executor, organisationId: string, applicationId: string) {
  if (!isUuid(applicationId)) return undefined;
  const locked = await db.selectFrom("loan_applications").select("id").where("organisation_id", "=", organisationId).where("id", "=", applicationId).forUpdate().executeTakeFirst();
  return locked ? getApplication(db, organisationId, applicationId) : undefined;
}

/** The schedule and APR an offer shows, for a given pay-out date. */
export function offerSchedule(product: Product, app: Pick<Application, "amount" | "term_periods" | "annual_rate" | "offer_first_due">, disbursed: string) {
  const firstDue = app.offer_first_due && app.offer_first_due > disbursed ? app.offer_first_due : undefined;
  const schedule = generateSchedule(loanTerms(product, { amount: app.amount, termPeriods: app.term_periods, annualRate: app.annual_rate, disbursed, firstDue }));
  return { ...scheduleToJson(schedule), apr: aprOfSchedule(schedule), fee: formatMinor(schedule.fee) };
}

const FROM: Record<ApplicationStep["intent"], readonly ApplicationStatus[]> = {
  submit: ["draft"],
  review: ["submitted", "under_review"],
  refer: ["under_review"],
  offer: ["approved"],
  accept: ["offered"],
  disburse: ["accepted"],
  // From the committee too: an application the committee cannot decide (every member recused) must not be stuck.
  withdraw: ["draft", "submitted", "under_review", "committee", "approved", "offered", "accepted"],
};
const TO: Record<Exclude<ApplicationStep["intent"], "disburse">, ApplicationStatus> = {
  submit: "submitted",
  review: "under_review",
  refer: "committee",
  offer: "offered",
  accept: "accepted",
  withdraw: "withdrawn",
};

/**
 * One step of the officer's workflow. Each step is allowed only from the
 * statuses before it; a refused step writes nothing.
 */
export function stepApplication(db: Executor, actorUserId: string, organisationId: string, applicationId: string, step: ApplicationStep, today: string) {
  return inTransaction(db, (trx) => stepLocked(trx, actorUserId, organisationId, applicationId, step, today));
}

async function stepLocked(db: Executor, actorUserId: string, organisationId: string, applicationId: string, step: ApplicationStep, today: string) {
  const app = await lockApplication(db, organisationId, applicationId);
  if (!app) throw refused("There is no such application.");
  if (!FROM[step.intent].includes(app.status)) {
    throw refused(`An application that is "${APPLICATION_STATUS_LABEL[app.status]}" cannot be ${step.intent === "refer" ? "sent to the committee" : `${step.intent === "withdraw" ? "withdrawn" : `given this step (${step.intent})`}`}.`);
  }
  const product = (await getProduct(db, organisationId, app.product_id))!;
  const before = { status: app.status };
  if (step.intent === "disburse") {
    const org = await getOrganisation(db, organisationId);
    // The committee's approval is the earliest day money may go out (an application approved outside the committee: the day it was taken).
    const approvedOn = dateInZone(app.decided_at ?? app.created_at, org.timeZone);
    const dateProblem = payoutDateProblem({ disbursedOn: step.disbursedOn, approvedOn, today });
    if (dateProblem) throw refused(dateProblem, "disbursedOn");
    if (app.offer_first_due && app.offer_first_due > step.disbursedOn) {
      const firstDue = firstDueProblem(product.frequency, step.disbursedOn, app.offer_first_due);
      if (firstDue) throw refused(`${firstDue} Choose a later pay-out date, or withdraw the application and make a new offer.`, "disbursedOn");
    }
    await checkOffer(db, organisationId, product, { amount: app.amount, termPeriods: app.term_periods, annualRate: app.annual_rate, disbursed: step.disbursedOn });
    const loan = await createLoanFromApplication(db, actorUserId, organisationId, app, product, step.disbursedOn);
    await db.updateTable("loan_applications").set({ status: "disbursed", updated_at: new Date() }).where("organisation_id", "=", organisationId).where("id", "=", app.id).execute();
    await recordAudit(db, { organisationId, actorUserId, action: "loan_application.disbursed", entityType: "loan_application", entityId: app.id, before, after: { status: "disbursed", loanId: loan.id } });
    return { status: "disbursed" as const, loanId: loan.id };
  }
  const set: Record<string, unknown> = { status: TO[step.intent], updated_at: new Date() };
  if (step.intent === "review") {
    set.officer_notes = step.officerNotes;
    set.monthly_income = step.monthlyIncome ? parseMoney(step.monthlyIncome) : null;
    set.monthly_outgoings = step.monthlyOutgoings ? parseMoney(step.monthlyOutgoings) : null;
  }
  if (step.intent === "refer") {
    if (!app.officer_notes) throw refused("Write your review notes before sending the application to the committee.");
    // The cap may have changed since the application was taken: check again before the committee sees it.
    await checkOffer(db, organisationId, product, { amount: app.amount, termPeriods: app.term_periods, annualRate: app.annual_rate, disbursed: today });
  }
  if (step.intent === "offer") {
    if (step.firstDue && step.firstDue <= today) throw refused("The first installment must fall after today.", "firstDue");
    const firstDue = step.firstDue ? firstDueProblem(product.frequency, today, step.firstDue) : null;
    if (firstDue) throw refused(`${firstDue.replace(`the pay-out on ${today}`, `a pay-out today (${today})`)}`, "firstDue");
    await checkOffer(db, organisationId, product, { amount: app.amount, termPeriods: app.term_periods, annualRate: app.annual_rate, disbursed: today, firstDue: step.firstDue });
    const offer = offerSchedule(product, { ...app, offer_first_due: step.firstDue ?? null }, today);
    set.offer_apr = offer.apr;
    set.offer_first_due = step.firstDue ?? null;
    set.offered_at = new Date();
    if (app.contact_email) {
      // Every amount with its currency, as the organisation shows money ("£888.49", not "888.49").
      const style = await organisationMoneyStyle(db, organisationId);
      const money = (plain: string) => displayMoney(parseMoney(plain), style);
      const first = offer.installments[0];
      await queueEmail(db, {
        organisationId,
        to: app.contact_email,
        subject: `Your loan offer (application ${app.reference})`,
        body: `We can offer ${app.legal_name} a loan of ${displayMoney(app.amount, style)} over ${app.term_periods} installments at ${plainRate(app.annual_rate)}% a year: APR ${offer.apr}%.${first ? ` First installment ${money(first.total)};` : ""} total to repay ${money(offer.totalRepayment)}. Please tell your loan officer whether you accept.`,
      });
    }
  }
  if (step.intent === "accept") set.accepted_at = new Date();
  await db.updateTable("loan_applications").set(set).where("organisation_id", "=", organisationId).where("id", "=", app.id).execute();
  await recordAudit(db, { organisationId, actorUserId, action: `loan_application.${step.intent}`, entityType: "loan_application", entityId: app.id, before, after: set });
  return { status: TO[step.intent] };
}
