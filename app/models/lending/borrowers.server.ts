import { isLocal, normalisePostcode } from "~/domain/postcode";
import type { BorrowerInput } from "~/schemas/lending";
import type { Executor } from "~/utils/db.server";
import { recordAudit } from "~/models/core/audit.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { notFound, refused } from "~/domain/refusal";

export const BORROWER_COLUMNS = [
  "id", "legal_name", "legal_form", "sic_code", "address", "postcode", "is_local", "employees", "jobs_to_create",
  "jobs_to_safeguard", "ownership", "contact_name", "contact_email", "contact_phone", "member_id", "created_at",
] as const;

async function memberIdFor(db: Executor, organisationId: string, memberNumber: number | undefined) {
  if (memberNumber === undefined) return null;
  const m = await db
    .selectFrom("members")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where("member_number", "=", memberNumber)
    .executeTakeFirst();
  if (!m) throw refused(`There is no member number ${memberNumber} in the register.`, "memberNumber");
  return m.id;
}

/**
 * The columns a borrower form sets, for adding and changing alike. Local or
 * not is decided by the organisation's own local area, as for members, and
 * follows the postcode.
 */
async function borrowerColumns(db: Executor, organisationId: string, input: BorrowerInput) {
  const org = await getOrganisation(db, organisationId);
  const postcode = normalisePostcode(input.postcode) ?? input.postcode;
  return {
    legal_name: input.legalName,
    legal_form: input.legalForm,
    sic_code: input.sicCode,
    address: input.address,
    postcode,
    is_local: isLocal(postcode, org.local_area),
    employees: input.employees,
    jobs_to_create: input.jobsToCreate,
    jobs_to_safeguard: input.jobsToSafeguard,
    ownership: input.ownership,
    contact_name: input.contactName,
    contact_email: input.contactEmail ?? null,
    contact_phone: input.contactPhone ?? null,
    member_id: await memberIdFor(db, organisationId, input.memberNumber),
  };
}

export async function createBorrower(db: Executor, actorUserId: string | null, organisationId: string, input: BorrowerInput) {
  const row = await db
    .insertInto("borrowers")
    .values({ organisation_id: organisationId, ...(await borrowerColumns(db, organisationId, input)) })
    .returning(BORROWER_COLUMNS)
    .executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId, action: "borrower.created", entityType: "borrower", entityId: row.id, after: row });
  return row;
}

/**
 * Change a borrower's details (the same fields and checks as adding one).
 * Whether it is local follows the new postcode. Loans and applications point
 * at the borrower, so they show the new name at once; nothing on a loan's
 * money changes. The row is locked so two edits at once queue up and the
 * audit's "before" is what the second one changed.
 */
export async function updateBorrower(db: Executor, actorUserId: string | null, organisationId: string, borrowerId: string, input: BorrowerInput) {
  const locked = /^[0-9a-f-]{36}$/i.test(borrowerId)
    ? await db.selectFrom("borrowers").select(BORROWER_COLUMNS).where("organisation_id", "=", organisationId).where("id", "=", borrowerId).forUpdate().executeTakeFirst()
    : undefined;
  if (!locked) throw notFound("There is no such borrower.");
  const row = await db
    .updateTable("borrowers")
    .set(await borrowerColumns(db, organisationId, input))
    .where("organisation_id", "=", organisationId)
    .where("id", "=", locked.id)
    .returning(BORROWER_COLUMNS)
    .executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId, action: "borrower.updated", entityType: "borrower", entityId: row.id, before: locked, after: row });
  return row;
}

/** The register number of the member a borrower is linked to, for the edit form. */
export async function linkedMemberNumber(db: Executor, organisationId: string, memberId: string | null) {
  if (!memberId) return null;
  const m = await db.selectFrom("members").select("member_number").where("organisation_id", "=", organisationId).where("id", "=", memberId).executeTakeFirst();
  return m?.member_number ?? null;
}

export async function listBorrowers(db: Executor, organisationId: string) {
  return db
    .selectFrom("borrowers as b")
    .select(["b.id", "b.legal_name", "b.legal_form", "b.sic_code", "b.postcode", "b.is_local", "b.employees", "b.jobs_to_create", "b.jobs_to_safeguard", "b.ownership"])
    .select((eb) =>
      eb
        .selectFrom("loans as l")
        .select((e) => e.fn.countAll<string>().as("n"))
        .whereRef("l.organisation_id", "=", "b.organisation_id")
        .whereRef("l.borrower_id", "=", "b.id")
        .as("loans"),
    )
    .where("b.organisation_id", "=", organisationId)
    .orderBy("b.legal_name")
    .execute();
}

export async function getBorrower(db: Executor, organisationId: string, borrowerId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(borrowerId)) return undefined;
  return db
    .selectFrom("borrowers")
    .select(BORROWER_COLUMNS)
    .where("organisation_id", "=", organisationId)
    .where("id", "=", borrowerId)
    .executeTakeFirst();
}

/** Borrowers linked to a register entry: whose loans the member may see. */
export async function borrowersOfMember(db: Executor, organisationId: string, memberId: string) {
  return db
    .selectFrom("borrowers")
    .select(["id", "legal_name"])
    .where("organisation_id", "=", organisationId)
    .where("member_id", "=", memberId)
    .execute();
}
