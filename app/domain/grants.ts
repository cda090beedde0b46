import { permissionsFor, ROLE_LABELS, type Role } from "./permissions";

/*
 * Who may give or take away which role (People & roles, and invitations,
 * which grant roles too). The rules:
 *
 * 1. Only people who manage users (owners and secretaries) change roles.
 * 2. Nobody changes their own roles: another person does it, so one person
 *    cannot raise themselves to owner or board.
 * 3. Only an owner grants or removes the owner role, and only an owner
 *    changes the roles of someone who is an owner (a secretary cannot make
 *    an owner a plain member).
 * 4. The last owner is never removed or demoted: the organisation always has
 *    someone who can manage it.
 *
 * Pure: the caller reads the actor's and the target's roles and the number
 * of owners inside the transaction that writes, under a lock.
 */

export type GrantCheck = { ok: true; added: Role[]; removed: Role[] } | { ok: false; reason: string };

export interface RoleChange {
  actorUserId: string;
  /** The actor's roles in this organisation, read now (not from the session). */
  actorRoles: readonly Role[];
  targetUserId: string;
  targetRoles: readonly Role[];
  newRoles: readonly Role[];
  /** Owners the organisation has now, the target included. */
  ownerCount: number;
}

export function checkRoleChange(change: RoleChange): GrantCheck {
  const before = new Set(change.targetRoles);
  const after = new Set(change.newRoles);
  const added = [...after].filter((r) => !before.has(r)).sort();
  const removed = [...before].filter((r) => !after.has(r)).sort();
  if (!permissionsFor(change.actorRoles).has("users:manage")) return { ok: false, reason: "Only an owner or the secretary changes people's roles." };
  if (added.length === 0 && removed.length === 0) return { ok: true, added, removed };
  if (change.actorUserId === change.targetUserId) {
    return { ok: false, reason: "Nobody changes their own roles: ask another owner or the secretary." };
  }
  const actorIsOwner = change.actorRoles.includes("owner");
  if (!actorIsOwner && (added.includes("owner") || removed.includes("owner"))) {
    return { ok: false, reason: `Only an owner can ${added.includes("owner") ? "grant" : "remove"} the ${ROLE_LABELS.owner} role.` };
  }
  if (!actorIsOwner && before.has("owner")) return { ok: false, reason: "Only an owner can change the roles of an owner." };
  if (removed.includes("owner") && change.ownerCount <= 1) return { ok: false, reason: "The organisation needs at least one owner." };
  return { ok: true, added, removed };
}

/**
 * An invitation grants its roles when it is accepted. The same rules apply:
 * only owners invite owners, nobody invites themselves, and an invitation to
 * someone already in the organisation is a change of their roles (the
 * invited roles are added to theirs).
 */
export function checkInvitationGrant(input: {
  actorUserId: string;
  actorRoles: readonly Role[];
  /** The invited person when they already belong to the organisation. */
  existing: { userId: string; roles: readonly Role[] } | null;
  inviteeIsActor: boolean;
  roles: readonly Role[];
  ownerCount: number;
}): GrantCheck {
  if (input.inviteeIsActor) return { ok: false, reason: "Nobody invites themselves or changes their own roles: ask another owner or the secretary." };
  const current = input.existing?.roles ?? [];
  return checkRoleChange({
    actorUserId: input.actorUserId,
    actorRoles: input.actorRoles,
    targetUserId: input.existing?.userId ?? "(new person)",
    targetRoles: current,
    newRoles: [...new Set([...current, ...input.roles])],
    ownerCount: input.ownerCount,
  });
}
