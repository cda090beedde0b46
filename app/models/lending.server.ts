import { checkSeparationOfDuties } from "~/domain/duties";
import { sql } from "kysely";
import { displayMoney, formatMinor, parseMoney } from "~/domain/money";
import { firstDueProblem, payoutDateProblem } from "~/domain/lending/date-rules";
import { validateOffer, validateProduct } from "~/domain/lending/products";
import { dateInZone } from "~/domain/today";
import { generateSchedule, scheduleToJson } from "~/domain/lending/schedule";
import { aprOfSchedule, capOf, committeeOutcome, FREQUENCY, loanTerms, plainRate, productForValidation, type ProductRow } from "~/domain/lending/terms";
import type { ApplicationInput, ApplicationStep, ProductInput } from "~/schemas/lending";
import type { Executor } from "~/utils/db.server";
import type { ApplicationStatus } from "../../db/tables/lending";
import { recordAudit } from "./audit.server";
import { LendingRefusal } from "./borrowers.server";
import { queueEmail } from "./email.server";
import { createLoanFromApplication, inTransaction } from "./loans.server";
import { getOrganisation } from "./organisations.server";
import { isUuid } from "~/schemas/common";


export const PRODUCT_COLUMNS = [
  "id", "name", "amortization", "interest_method", "annual_rate", "min_rate", "max_rate", "min_principal", "max_principal",
  "min_term", "max_term", "frequency", "days_in_year", "days_in_month", "installment_multiple", "grace_on_principal",
  "grace_on_interest", "arrangement_fee", "active",
] as const;

/** A product is refused (with the reason) if its ranges are inconsistent or its highest rate is above the cap. */
export async function createProduct(db: Executor, actorUserId: string | null, organisationId: string, input: ProductInput) {
  const org = await getOrganisation(db, organisationId);
  const row: ProductRow = {
    name: input.name,
    amortization: input.amortization,
    interest_method: input.interestMethod,
    min_rate: input.minRate,
    max_rate: input.maxRate,
    min_principal: parseMoney(input.minPrincipal),
    max_principal: parseMoney(input.maxPrincipal),
    min_term: input.minTerm,
    max_term: input.maxTerm,
    frequency: input.frequency,
    days_in_year: input.daysInYear,
    days_in_month: input.daysInMonth,
    installment_multiple: parseMoney(input.installmentMultiple),
    grace_on_principal: input.graceOnPrincipal,
    grace_on_interest: input.graceOnInterest,
    arrangement_fee: parseMoney(input.arrangementFee),
  };
  const decision = validateProduct(productForValidation(row), capOf(org.rules));
  const reasons = decision.ok ? [] : [...decision.reasons];
  const rate = Number(input.annualRate); // only compared, never stored from the float
  if (rate < Number(input.minRate) || rate > Number(input.maxRate)) reasons.push("The usual rate must lie between the lowest and highest rates.");
  if (row.grace_on_principal >= row.max_term || row.grace_on_interest >= row.max_term) reasons.push("A grace period must be shorter than the longest term.");
  if (reasons.length) throw new LendingRefusal(reasons.join(" "));
  const existing = await db.selectFrom("loan_products").select("id").where("organisation_id", "=", organisationId).where("name", "=", input.name).executeTakeFirst();
  if (existing) throw new LendingRefusal(`There is already a product called "${input.name}".`, "name");
  const product = await db
    .insertInto("loan_products")
    .values({ organisation_id: organisationId, ...row, annual_rate: input.annualRate })
    .returning(PRODUCT_COLUMNS)
    .executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId, action: "loan_product.created", entityType: "loan_product", entityId: product.id, after: product });
  return product;
}

export async function listProducts(db: Executor, organisationId: string) {
  return db.selectFrom("loan_products").select(PRODUCT_COLUMNS).where("organisation_id", "=", organisationId).orderBy("name").execute();
}

export async function getProduct(db: Executor, organisationId: string, productId: string) {
  if (!isUuid(productId)) return undefined;
  return db.selectFrom("loan_products").select(PRODUCT_COLUMNS).where("organisation_id", "=", organisationId).where("id", "=", productId).executeTakeFirst();
}

/** A product's ranges in words, for lists and hints. */
export function describeProduct(p: Awaited<ReturnType<typeof listProducts>>[number]) {
  const f = FREQUENCY[p.frequency];
  return `${displayMoney(p.min_principal)}–${displayMoney(p.max_principal)}, ${p.min_term}–${p.max_term} ${f.words}ly installments, ${plainRate(p.min_rate)}–${plainRate(p.max_rate)}% a year ${p.interest_method === "flat" ? "flat" : "on the reducing balance"}`;
}

type Product = NonNullable<Awaited<ReturnType<typeof getProduct>>>;

/** Check amount, term and rate against the product and the organisation's rate cap. */
async function checkOffer(db: Executor, organisationId: string, product: Product, offer: { amount: bigint; termPeriods: number; annualRate: string; disbursed: string; firstDue?: string }) {
  const org = await getOrganisation(db, organisationId);
  const terms = loanTerms(product, offer);
  const decision = validateOffer(productForValidation(product), terms, capOf(org.rules));
  if (!decision.ok) throw new LendingRefusal(decision.reason);
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
  if (!borrower) throw new LendingRefusal("Choose a borrower of this organisation.", "borrowerId");
  const product = await getProduct(db, organisationId, input.productId);
  if (!product || !product.active) throw new LendingRefusal("Choose one of this organisation's products.", "productId");
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

export async function listApplications(db: Executor, organisationId: string) {
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

/**
 * Lock an application's row (SELECT ... FOR UPDATE, scoped by organisation)
 * and read it afresh, inside the transaction that moves it on: two pay-outs
 * (or a pay-out and a withdrawal) of one application queue up, and the
 * second sees the status the first left.
 */
async function lockApplication(db: Executor, organisationId: string, applicationId: string) {
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
  if (!app) throw new LendingRefusal("There is no such application.");
  if (!FROM[step.intent].includes(app.status)) {
    throw new LendingRefusal(`An application that is "${APPLICATION_STATUS_LABEL[app.status]}" cannot be ${step.intent === "refer" ? "sent to the committee" : `${step.intent === "withdraw" ? "withdrawn" : `given this step (${step.intent})`}`}.`);
  }
  const product = (await getProduct(db, organisationId, app.product_id))!;
  const before = { status: app.status };
  if (step.intent === "disburse") {
    const org = await getOrganisation(db, organisationId);
    // The committee's approval is the earliest day money may go out (an application approved outside the committee: the day it was taken).
    const approvedOn = dateInZone(app.decided_at ?? app.created_at, org.timeZone);
    const dateProblem = payoutDateProblem({ disbursedOn: step.disbursedOn, approvedOn, today });
    if (dateProblem) throw new LendingRefusal(dateProblem, "disbursedOn");
    if (app.offer_first_due && app.offer_first_due > step.disbursedOn) {
      const firstDue = firstDueProblem(product.frequency, step.disbursedOn, app.offer_first_due);
      if (firstDue) throw new LendingRefusal(`${firstDue} Choose a later pay-out date, or withdraw the application and make a new offer.`, "disbursedOn");
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
    if (!app.officer_notes) throw new LendingRefusal("Write your review notes before sending the application to the committee.");
    // The cap may have changed since the application was taken: check again before the committee sees it.
    await checkOffer(db, organisationId, product, { amount: app.amount, termPeriods: app.term_periods, annualRate: app.annual_rate, disbursed: today });
  }
  if (step.intent === "offer") {
    if (step.firstDue && step.firstDue <= today) throw new LendingRefusal("The first installment must fall after today.", "firstDue");
    const firstDue = step.firstDue ? firstDueProblem(product.frequency, today, step.firstDue) : null;
    if (firstDue) throw new LendingRefusal(`${firstDue.replace(`the pay-out on ${today}`, `a pay-out today (${today})`)}`, "firstDue");
    await checkOffer(db, organisationId, product, { amount: app.amount, termPeriods: app.term_periods, annualRate: app.annual_rate, disbursed: today, firstDue: step.firstDue });
    const offer = offerSchedule(product, { ...app, offer_first_due: step.firstDue ?? null }, today);
    set.offer_apr = offer.apr;
    set.offer_first_due = step.firstDue ?? null;
    set.offered_at = new Date();
    if (app.contact_email) {
      // Every amount with its currency, as the organisation shows money ("£888.49", not "888.49").
      const { currency } = await db.selectFrom("organisations").select("currency").where("id", "=", organisationId).executeTakeFirstOrThrow();
      const money = (plain: string) => displayMoney(parseMoney(plain), currency);
      const first = offer.installments[0];
      await queueEmail(db, {
        organisationId,
        to: app.contact_email,
        subject: `Your loan offer (application ${app.reference})`,
        body: `We can offer ${app.legal_name} a loan of ${displayMoney(app.amount, currency)} over ${app.term_periods} installments at ${plainRate(app.annual_rate)}% a year: APR ${offer.apr}%.${first ? ` First installment ${money(first.total)};` : ""} total to repay ${money(offer.totalRepayment)}. Please tell your loan officer whether you accept.`,
      });
    }
  }
  if (step.intent === "accept") set.accepted_at = new Date();
  await db.updateTable("loan_applications").set(set).where("organisation_id", "=", organisationId).where("id", "=", app.id).execute();
  await recordAudit(db, { organisationId, actorUserId, action: `loan_application.${step.intent}`, entityType: "loan_application", entityId: app.id, before, after: set });
  return { status: TO[step.intent] };
}

export async function committeeSize(db: Executor, organisationId: string) {
  const r = await db
    .selectFrom("user_roles")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("organisation_id", "=", organisationId)
    .where("role", "=", "credit_committee")
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function votesFor(db: Executor, organisationId: string, applicationId: string) {
  return db
    .selectFrom("credit_votes as v")
    .innerJoin("users as u", "u.id", "v.user_id")
    .select(["v.user_id", "v.vote", "v.comment", "v.cast_at", "u.name"])
    .where("v.organisation_id", "=", organisationId)
    .where("v.application_id", "=", applicationId)
    .orderBy("v.cast_at")
    .execute();
}

/**
 * A committee member's vote (or recusal). Votes are append-only: a vote once
 * cast stands. When the votes so far decide the application, its status
 * follows in the same transaction.
 */
export function castVote(db: Executor, actorUserId: string, organisationId: string, applicationId: string, input: { vote: "approve" | "decline" | "recuse"; comment: string }, now: Date = new Date()) {
  return inTransaction(db, (trx) => voteLocked(trx, actorUserId, organisationId, applicationId, input, now));
}

/** Votes on one application queue up behind its row lock, so the vote that decides always sees every vote before it. */
async function voteLocked(db: Executor, actorUserId: string, organisationId: string, applicationId: string, input: { vote: "approve" | "decline" | "recuse"; comment: string }, now: Date) {
  const app = await lockApplication(db, organisationId, applicationId);
  if (!app) throw new LendingRefusal("There is no such application.");
  if (app.status !== "committee") throw new LendingRefusal(`This application is "${APPLICATION_STATUS_LABEL[app.status]}": the committee is not voting on it.`);
  const isMember = await db
    .selectFrom("user_roles")
    .select("user_id")
    .where("organisation_id", "=", organisationId)
    .where("user_id", "=", actorUserId)
    .where("role", "=", "credit_committee")
    .executeTakeFirst();
  if (!isMember) throw new LendingRefusal("Only members of the credit committee vote on applications.");
  if (input.vote !== "recuse") {
    const separate = checkSeparationOfDuties("credit_decision", actorUserId, [{ userId: app.officer_user_id, as: "took" }]);
    if (!separate.ok) throw new LendingRefusal(separate.reason, "vote");
  }
  const already = await db
    .selectFrom("credit_votes")
    .select("vote")
    .where("organisation_id", "=", organisationId)
    .where("application_id", "=", app.id)
    .where("user_id", "=", actorUserId)
    .executeTakeFirst();
  if (already) throw new LendingRefusal(`You have already ${already.vote === "recuse" ? "recused yourself" : "voted"} on this application.`);
  await db.insertInto("credit_votes").values({ organisation_id: organisationId, application_id: app.id, user_id: actorUserId, vote: input.vote, comment: input.comment }).execute();
  await recordAudit(db, { organisationId, actorUserId, action: "credit_vote.cast", entityType: "loan_application", entityId: app.id, after: input });
  const votes = await votesFor(db, organisationId, app.id);
  const outcome = committeeOutcome(await committeeSize(db, organisationId), votes.map((v) => v.vote));
  if (outcome.status === "approved" || outcome.status === "declined") {
    await db
      .updateTable("loan_applications")
      .set({ status: outcome.status, decided_at: now, decision_note: outcome.reason, updated_at: new Date() })
      .where("organisation_id", "=", organisationId)
      .where("id", "=", app.id)
      .execute();
    await recordAudit(db, { organisationId, actorUserId, action: `loan_application.${outcome.status}`, entityType: "loan_application", entityId: app.id, before: { status: "committee" }, after: { status: outcome.status, reason: outcome.reason } });
    if (app.contact_email && outcome.status === "declined") {
      await queueEmail(db, { organisationId, to: app.contact_email, subject: `Your loan application ${app.reference}`, body: `We are sorry: the credit committee has not approved the application from ${app.legal_name}. Your loan officer will explain the reasons and what could change the decision.` });
    }
  }
  return outcome;
}
