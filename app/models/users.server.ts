import { sql } from "kysely";
import type { Executor } from "~/utils/db.server";
import type { Role } from "~/domain/permissions";
import { hashPassword } from "~/utils/tokens.server";
import { recordAudit } from "./audit.server";

export async function listOrganisationUsers(db: Executor, organisationId: string) {
  return db
    .selectFrom("organisation_users as ou")
    .innerJoin("users as u", "u.id", "ou.user_id")
    .leftJoin("members as m", (j) => j.onRef("m.id", "=", "ou.member_id").onRef("m.organisation_id", "=", "ou.organisation_id"))
    .select([
      "u.id", "u.name", "u.email", "m.member_number",
      sql<string[]>`coalesce((select array_agg(r.role order by r.role) from user_roles r where r.organisation_id = ou.organisation_id and r.user_id = ou.user_id), '{}')`.as("roles"),
    ])
    .where("ou.organisation_id", "=", organisationId)
    .orderBy("u.name")
    .execute();
}

export async function pendingInvitations(db: Executor, organisationId: string, now = new Date()) {
  return db
    .selectFrom("invitations")
    .select(["id", "email", "roles", "expires_at", "created_at"])
    .where("organisation_id", "=", organisationId)
    .where("accepted_at", "is", null)
    .where("expires_at", ">", now)
    .orderBy("created_at", "desc")
    .execute();
}

export async function setUserRoles(db: Executor, actorUserId: string, organisationId: string, userId: string, roles: Role[]) {
  const before = await db.selectFrom("user_roles").select("role").where("organisation_id", "=", organisationId).where("user_id", "=", userId).execute();
  const belongs = await db.selectFrom("organisation_users").select("user_id").where("organisation_id", "=", organisationId).where("user_id", "=", userId).executeTakeFirst();
  if (!belongs) return false;
  await db.deleteFrom("user_roles").where("organisation_id", "=", organisationId).where("user_id", "=", userId).execute();
  for (const role of roles) await db.insertInto("user_roles").values({ organisation_id: organisationId, user_id: userId, role }).execute();
  await recordAudit(db, {
    organisationId,
    actorUserId,
    action: "user.roles_changed",
    entityType: "user",
    entityId: userId,
    before: before.map((r) => r.role).sort(),
    after: [...roles].sort(),
  });
  return true;
}

/** Used by the seed and tests: a user with a password and roles in one organisation. */
export async function createUserWithRoles(
  db: Executor,
  input: { email: string; name: string; password: string; organisationId: string; roles: Role[]; memberId?: string | null; passwordHash?: string },
) {
  const email = input.email.toLowerCase();
  const existing = await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
  const userId =
    existing?.id ??
    (
      await db
        .insertInto("users")
        .values({ email, name: input.name, password_hash: input.passwordHash ?? (await hashPassword(input.password)) })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  await db
    .insertInto("organisation_users")
    .values({ organisation_id: input.organisationId, user_id: userId, member_id: input.memberId ?? null })
    .onConflict((oc) => oc.columns(["organisation_id", "user_id"]).doNothing())
    .execute();
  for (const role of input.roles) {
    await db.insertInto("user_roles").values({ organisation_id: input.organisationId, user_id: userId, role }).onConflict((oc) => oc.doNothing()).execute();
  }
  return userId;
}
