import { displayMoney, formatMinor, parseMoney, type MoneyStyle } from "~/domain/money";
import { sql } from "kysely";
import { capInWords, overCapSentence, productsOverCap, validateProduct } from "~/domain/lending/products";
import { capOf, FREQUENCY, plainRate, productForValidation, type ProductRow } from "~/domain/lending/terms";
import type { ProductInput } from "~/schemas/lending";
import type { Executor } from "~/utils/db.server";
import { recordAudit } from "~/models/core/audit.server";
import { notFound, refused } from "~/domain/refusal";
import { getOrganisation } from "~/models/core/organisations.server";
import { isUuid } from "~/schemas/common";
import { inTransaction } from "~/models/lending/loans.server";

export const PRODUCT_COLUMNS = [
  "id", "name", "amortization", "interest_method", "annual_rate", "min_rate", "max_rate", "min_principal", "max_principal",
  "min_term", "max_term", "frequency", "days_in_year", "days_in_month", "installment_multiple", "grace_on_principal",
  "grace_on_interest", "arrangement_fee", "retired_on",
] as const;

function rowOf(input: ProductInput): ProductRow {
  return {
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
}

/** Refuse (with every reason at once) ranges that do not hold together or a highest rate above the cap; refuse a name already taken. */
async function checkProduct(db: Executor, organisationId: string, row: ProductRow, input: ProductInput, productId: string | null) {
  const org = await getOrganisation(db, organisationId);
  const decision = validateProduct(productForValidation(row), capOf(org.rules), org);
  const reasons = decision.ok ? [] : [...decision.reasons];
  const rate = Number(input.annualRate); // only compared, never stored from the float
  if (rate < Number(input.minRate) || rate > Number(input.maxRate)) reasons.push("The usual rate must lie between the lowest and highest rates.");
  if (row.grace_on_principal >= row.max_term || row.grace_on_interest >= row.max_term) reasons.push("A grace period must be shorter than the longest term.");
  if (reasons.length) throw refused(reasons.join(" "));
  let same = db.selectFrom("loan_products").select("id").where("organisation_id", "=", organisationId).where("name", "=", input.name);
  if (productId) same = same.where("id", "<>", productId);
  if (await same.executeTakeFirst()) throw refused(`There is already a product called "${input.name}".`, "name");
}

/** A product is refused (with the reason) if its ranges are inconsistent or its highest rate is above the cap. */
export async function createProduct(db: Executor, actorUserId: string | null, organisationId: string, input: ProductInput) {
  const row = rowOf(input);
  await checkProduct(db, organisationId, row, input, null);
  const product = await db
    .insertInto("loan_products")
    .values({ organisation_id: organisationId, ...row, annual_rate: input.annualRate })
    .returning(PRODUCT_COLUMNS)
    .executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId, action: "loan_product.created", entityType: "loan_product", entityId: product.id, after: product });
  return product;
}

/** Applications still moving (not declined, withdrawn or paid out): they read their product's terms when offered and paid out. */
const IN_PROGRESS = ["draft", "submitted", "under_review", "committee", "approved", "offered", "accepted"] as const;

/**
 * The terms that shape a schedule. A loan copies its terms when it is paid
 * out, so changing them never touches a loan; but an application in progress
 * reads them from the product when it is offered and paid out, so they may
 * change only while no application is in progress on the product.
 */
const SCHEDULE_TERMS = ["amortization", "interest_method", "frequency", "days_in_year", "days_in_month", "installment_multiple", "grace_on_principal", "grace_on_interest", "arrangement_fee"] as const;
const TERM_WORDS: Record<(typeof SCHEDULE_TERMS)[number], string> = {
  amortization: "how it is repaid",
  interest_method: "how interest is charged",
  frequency: "how often it is repaid",
  days_in_year: "the days in the year",
  days_in_month: "the days in the month",
  installment_multiple: "the rounding of installments",
  grace_on_principal: "the grace on principal",
  grace_on_interest: "the grace on interest",
  arrangement_fee: "the arrangement fee",
};

/** "a, b and c". */
function andList(words: readonly (string | number)[]) {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function references(rows: readonly { reference: number }[]) {
  return `${rows.length === 1 ? "application" : "applications"} ${andList(rows.map((r) => r.reference))}`;
}

/**
 * Change a product's terms for the applications taken from now on. Loans
 * keep the terms they copied when paid out. Applications in progress keep
 * theirs too: the schedule terms cannot change under them, and the new ranges
 * (amount, term, rate) must still hold each of them, or the edit is refused
 * naming them. The product row is locked so two edits (or an edit and a
 * retirement) queue up.
 */
export async function updateProduct(db: Executor, actorUserId: string | null, organisationId: string, productId: string, input: ProductInput) {
  return inTransaction(db, async (trx) => {
    const before = await lockProduct(trx, organisationId, productId);
    const row = rowOf(input);
    await checkProduct(trx, organisationId, row, input, before.id);
    const inProgress = await trx
      .selectFrom("loan_applications")
      .select(["reference", "amount", "term_periods", "annual_rate"])
      .where("organisation_id", "=", organisationId)
      .where("product_id", "=", before.id)
      .where("status", "in", IN_PROGRESS)
      .orderBy("reference")
      .execute();
    if (inProgress.length) {
      const changed = SCHEDULE_TERMS.filter((k) => String(before[k]) !== String(row[k]));
      if (changed.length) {
        throw refused(
          `While ${references(inProgress)} ${inProgress.length === 1 ? "is" : "are"} in progress on this product, ${andList(changed.map((k) => TERM_WORDS[k]))} cannot change under ${inProgress.length === 1 ? "it" : "them"}. Change only the name and ranges now, or retire this product and add a new one with the new terms.`,
        );
      }
      const outside = await trx
        .selectFrom("loan_applications")
        .select("reference")
        .where("organisation_id", "=", organisationId)
        .where("product_id", "=", before.id)
        .where("status", "in", IN_PROGRESS)
        .where((eb) =>
          eb.or([
            eb("amount", "<", row.min_principal),
            eb("amount", ">", row.max_principal),
            eb("term_periods", "<", row.min_term),
            eb("term_periods", ">", row.max_term),
            eb("annual_rate", "<", sql<string>`${row.min_rate}::numeric`),
            eb("annual_rate", ">", sql<string>`${row.max_rate}::numeric`),
          ]),
        )
        .orderBy("reference")
        .execute();
      if (outside.length) {
        throw refused(`The new ranges would leave ${references(outside)}, in progress on this product, outside them. Keep the ranges wide enough for ${outside.length === 1 ? "it" : "them"}, or finish or withdraw ${outside.length === 1 ? "it" : "them"} first.`);
      }
    }
    const after = await trx
      .updateTable("loan_products")
      .set({ ...row, annual_rate: input.annualRate })
      .where("organisation_id", "=", organisationId)
      .where("id", "=", before.id)
      .returning(PRODUCT_COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { organisationId, actorUserId, action: "loan_product.updated", entityType: "loan_product", entityId: after.id, before, after });
    return after;
  });
}

async function lockProduct(db: Executor, organisationId: string, productId: string) {
  const p = isUuid(productId)
    ? await db.selectFrom("loan_products").select(PRODUCT_COLUMNS).where("organisation_id", "=", organisationId).where("id", "=", productId).forUpdate().executeTakeFirst()
    : undefined;
  if (!p) throw notFound("There is no such product.");
  return p;
}

/**
 * Stop offering a product for new applications from `today`. Applications
 * already taken on it carry on, and its loans are untouched.
 */
export async function retireProduct(db: Executor, actorUserId: string | null, organisationId: string, productId: string, today: string) {
  return inTransaction(db, async (trx) => {
    const p = await lockProduct(trx, organisationId, productId);
    if (p.retired_on) throw refused(`"${p.name}" was already retired on ${p.retired_on}.`);
    await trx.updateTable("loan_products").set({ retired_on: today }).where("organisation_id", "=", organisationId).where("id", "=", p.id).execute();
    await recordAudit(trx, { organisationId, actorUserId, action: "loan_product.retired", entityType: "loan_product", entityId: p.id, before: { retired_on: null }, after: { name: p.name, retired_on: today } });
    return { name: p.name, retiredOn: today };
  });
}

/** Offer a retired product again: refused while its highest rate is above today's cap. */
export async function bringBackProduct(db: Executor, actorUserId: string | null, organisationId: string, productId: string) {
  return inTransaction(db, async (trx) => {
    const p = await lockProduct(trx, organisationId, productId);
    if (!p.retired_on) throw refused(`"${p.name}" is already offered.`);
    const org = await getOrganisation(trx, organisationId);
    const cap = capOf(org.rules);
    if (productsOverCap([{ name: p.name, maxAnnualRate: plainRate(p.max_rate) }], cap).length) {
      throw refused(`"${p.name}" goes up to ${plainRate(p.max_rate)}% a year, above the cap of ${capInWords(cap)}: change its highest rate before offering it again.`);
    }
    await trx.updateTable("loan_products").set({ retired_on: null }).where("organisation_id", "=", organisationId).where("id", "=", p.id).execute();
    await recordAudit(trx, { organisationId, actorUserId, action: "loan_product.brought_back", entityType: "loan_product", entityId: p.id, before: { retired_on: p.retired_on }, after: { name: p.name, retired_on: null } });
    return { name: p.name };
  });
}

/**
 * The offered products whose highest rate is above the organisation's cap
 * (after the cap was lowered), as names and rates, and the sentence that
 * says so: for the settings reply and the products page.
 */
export async function productsOverRateCap(db: Executor, organisationId: string) {
  const [org, products] = await Promise.all([getOrganisation(db, organisationId), listProducts(db, organisationId)]);
  const cap = capOf(org.rules);
  const over = productsOverCap(
    products.filter((p) => !p.retired_on).map((p) => ({ id: p.id, name: p.name, maxAnnualRate: plainRate(p.max_rate) })),
    cap,
  );
  return { products: over, sentence: overCapSentence(over, cap) };
}

export async function listProducts(db: Executor, organisationId: string) {
  return db.selectFrom("loan_products").select(PRODUCT_COLUMNS).where("organisation_id", "=", organisationId).orderBy("name").execute();
}

export async function getProduct(db: Executor, organisationId: string, productId: string) {
  if (!isUuid(productId)) return undefined;
  return db.selectFrom("loan_products").select(PRODUCT_COLUMNS).where("organisation_id", "=", organisationId).where("id", "=", productId).executeTakeFirst();
}

/** A product's ranges in words, for lists and hints. */
export function describeProduct(p: Awaited<ReturnType<typeof listProducts>>[number], money: string | MoneyStyle = "GBP") {
  const f = FREQUENCY[p.frequency];
  return `${displayMoney(p.min_principal, money)}–${displayMoney(p.max_principal, money)}, ${p.min_term}–${p.max_term} ${f.words}ly installments, ${plainRate(p.min_rate)}–${plainRate(p.max_rate)}% a year ${p.interest_method === "flat" ? "flat" : "on the reducing balance"}`;
}

export type Product = NonNullable<Awaited<ReturnType<typeof getProduct>>>;

/** The product page: the product, its values as the edit form takes them, and how many applications and loans use it. */
export async function productPageData(db: Executor, organisationId: string, productId: string) {
  const p = await getProduct(db, organisationId, productId);
  if (!p) return undefined;
  const [apps, loans, org] = await Promise.all([
    db
      .selectFrom("loan_applications")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("organisation_id", "=", organisationId)
      .where("product_id", "=", p.id)
      .where("status", "in", IN_PROGRESS)
      .executeTakeFirstOrThrow(),
    db.selectFrom("loans").select((eb) => eb.fn.countAll<string>().as("n")).where("organisation_id", "=", organisationId).where("product_id", "=", p.id).executeTakeFirstOrThrow(),
    getOrganisation(db, organisationId),
  ]);
  const cap = capOf(org.rules);
  return {
    id: p.id,
    name: p.name,
    summary: describeProduct(p, org),
    retiredOn: p.retired_on,
    applicationsInProgress: Number(apps.n),
    loans: Number(loans.n),
    // Only while it is offered: a retired product above the cap is refused when brought back.
    overCap: p.retired_on ? null : overCapSentence(productsOverCap([{ name: p.name, maxAnnualRate: plainRate(p.max_rate) }], cap), cap),
    values: {
      name: p.name, amortization: p.amortization, interestMethod: p.interest_method, annualRate: plainRate(p.annual_rate),
      minRate: plainRate(p.min_rate), maxRate: plainRate(p.max_rate), minPrincipal: formatMinor(p.min_principal), maxPrincipal: formatMinor(p.max_principal),
      minTerm: String(p.min_term), maxTerm: String(p.max_term), frequency: p.frequency, daysInYear: p.days_in_year, daysInMonth: p.days_in_month,
      installmentMultiple: formatMinor(p.installment_multiple), graceOnPrincipal: String(p.grace_on_principal), graceOnInterest: String(p.grace_on_interest),
      arrangementFee: formatMinor(p.arrangement_fee),
    },
  };
}
