import { sql } from "kysely";
import type { Executor } from "~/utils/db.server";
import { checkInvitationGrant, checkRoleChange, type GrantCheck } from "~/domain/grants";
import { isRole, type Role } from "~/domain/permissions";
import { hashPassword } from "~/utils/tokens.server";
import { recordAudit } from "~/models/core/audit.server";
import { createInvitation } from "~/models/core/auth.server";
import { memberByNumber } from "~/models/shares/share-classes-and-holdings.server";

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

/**
 * Role changes in an organisation take turns (a transaction-scoped lock), and
 * each reads the actor's own roles, the target's and the number of owners
 * after taking it: two owners demoting each other at once cannot leave the
 * organisation without one, and a secretary demoted a moment ago grants
 * nothing.
 */
async function lockRoles(db: Executor, organisationId: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${"roles:" + organisationId}))`.execute(db);
}

async function rolesOf(db: Executor, organisationId: string, userId: string): Promise<Role[]> {
  const rows = await db.selectFrom("user_roles").select("role").where("organisation_id", "=", organisationId).where("user_id", "=", userId).execute();
  return rows.map((r) => r.role).filter(isRole);
}

async function ownerCount(db: Executor, organisationId: string) {
  const r = await db.selectFrom("user_roles").select((eb) => eb.fn.countAll<string>().as("n")).where("organisation_id", "=", organisationId).where("role", "=", "owner").executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * People & roles: sets a person's roles when the grant rules
 * (app/domain/grants.ts) allow it. Null when the person is not in the
 * organisation. Run it in a transaction.
 */
export async function changeUserRoles(db: Executor, actorUserId: string, organisationId: string, userId: string, roles: Role[]): Promise<GrantCheck | null> {
  await lockRoles(db, organisationId);
  const belongs = await db.selectFrom("organisation_users").select("user_id").where("organisation_id", "=", organisationId).where("user_id", "=", userId).executeTakeFirst();
  if (!belongs) return null;
  const [actorRoles, targetRoles, owners] = await Promise.all([rolesOf(db, organisationId, actorUserId), rolesOf(db, organisationId, userId), ownerCount(db, organisationId)]);
  const check = checkRoleChange({ actorUserId, actorRoles, targetUserId: userId, targetRoles, newRoles: roles, ownerCount: owners });
  if (!check.ok) {
    // A refused grant is worth knowing about (the case was an insider raising themselves): it goes in the audit trail.
    await recordAudit(db, { organisationId, actorUserId, action: "user.roles_change_refused", entityType: "user", entityId: userId, before: [...targetRoles].sort(), after: { requested: [...new Set(roles)].sort(), reason: check.reason } });
    return check;
  }
  if (check.added.length || check.removed.length) await setUserRoles(db, actorUserId, organisationId, userId, [...new Set(roles)]);
  return check;
}

/** Whether the actor may invite this email with these roles (the grant rules); run it in the transaction that creates the invitation. */
export async function checkInvitation(db: Executor, actor: { id: string; email: string }, organisationId: string, email: string, roles: Role[]): Promise<GrantCheck> {
  await lockRoles(db, organisationId);
  const normalised = email.trim().toLowerCase();
  const existing = await db
    .selectFrom("users as u")
    .innerJoin("organisation_users as ou", "ou.user_id", "u.id")
    .select("u.id")
    .where("ou.organisation_id", "=", organisationId)
    .where("u.email", "=", normalised)
    .executeTakeFirst();
  const [actorRoles, owners] = await Promise.all([rolesOf(db, organisationId, actor.id), ownerCount(db, organisationId)]);
  return checkInvitationGrant({
    actorUserId: actor.id,
    actorRoles,
    existing: existing ? { userId: existing.id, roles: await rolesOf(db, organisationId, existing.id) } : null,
    inviteeIsActor: normalised === actor.email.trim().toLowerCase() || existing?.id === actor.id,
    roles,
    ownerCount: owners,
  });
}

/**
 * People & roles: invites someone by email with roles, linked to a member on
 * the register when a member number is given. The grant rules' refusal when
 * they say no; null when there is no member with that number; otherwise the
 * invitation (emailed, and in the audit trail). Run it in a transaction.
 */
export async function inviteUser(
  db: Executor,
  actor: { id: string; email: string },
  organisation: { id: string; name: string },
  input: { email: string; roles: Role[]; memberNumber?: number },
  appUrl: string,
) {
  const { email, roles, memberNumber } = input;
  const allowed = await checkInvitation(db, actor, organisation.id, email, roles);
  if (!allowed.ok) return allowed;
  let memberId: string | null = null;
  if (memberNumber) {
    const member = await memberByNumber(db, organisation.id, memberNumber);
    if (!member) return null;
    memberId = member.id;
  }
  const invitation = await createInvitation(db, { organisationId: organisation.id, organisationName: organisation.name, email, roles, memberId, invitedBy: actor.id, appUrl });
  await recordAudit(db, { organisationId: organisation.id, actorUserId: actor.id, action: "user.invited", entityType: "invitation", entityId: invitation.id, after: { email, roles, memberNumber: memberNumber ?? null } });
  return invitation;
}

/** Writes a person's roles (no rules: the seed, tests and changeUserRoles, which checks them first). */
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
