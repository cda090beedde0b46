import { displayMoney, parseMoney } from "~/domain/money";
import { validateProduct } from "~/domain/lending/products";
import { capOf, FREQUENCY, plainRate, productForValidation, type ProductRow } from "~/domain/lending/terms";
import type { ProductInput } from "~/schemas/lending";
import type { Executor } from "~/utils/db.server";
import { recordAudit } from "~/models/core/audit.server";
import { refused } from "~/domain/refusal";
import { getOrganisation } from "~/models/core/organisations.server";
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
  if (reasons.length) throw refused(reasons.join(" "));
  const existing = await db.selectFrom("loan_products").select("id").where("organisation_id", "=", organisationId).where("name", "=", input.name).executeTakeFirst();
  if (existing) throw refused(`There is already a product called "${input.name}".`, "name");
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

export type Product = NonNullable<Awaited<ReturnType<typeof getProduct>>>;
