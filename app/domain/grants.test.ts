import { describe, expect, it } from "vitest";
import { checkInvitationGrant, checkRoleChange } from "./grants";
import { ROLES, type Role } from "./permissions";

const ACTOR = "actor";
const TARGET = "target";

/** A grant of `role` to someone holding `held`, or the revoking of it from someone holding both. */
function change(actorRole: Role, held: Role, role: Role, op: "grant" | "revoke") {
  const targetRoles: Role[] = op === "grant" ? [held] : [...new Set<Role>([held, role])];
  const newRoles = op === "grant" ? [...new Set<Role>([held, role])] : targetRoles.filter((r) => r !== role);
  // The actor is another person; an owner actor is an owner besides the target.
  const ownerCount = (targetRoles.includes("owner") ? 1 : 0) + (actorRole === "owner" ? 1 : 0);
  return { actorUserId: ACTOR, actorRoles: [actorRole], targetUserId: TARGET, targetRoles, newRoles, ownerCount };
}

describe("role grants: the whole matrix (acting role x target's role x role granted or revoked)", () => {
  for (const actorRole of ROLES) {
    it(`${actorRole} acting on others`, () => {
      for (const held of ROLES) {
        for (const role of ROLES) {
          for (const op of ["grant", "revoke"] as const) {
            const c = change(actorRole, held, role, op);
            const nothingChanges = op === "grant" && role === held;
            const touchesOwner = role === "owner" || c.targetRoles.includes("owner");
            // The rules, stated plainly: owners may do anything to others; secretaries anything that
            // neither grants/removes owner nor touches an owner; nobody else anything.
            const allowed = actorRole === "owner" || (actorRole === "secretary" && (nothingChanges || !touchesOwner));
            const result = checkRoleChange(c);
            expect({ actorRole, held, role, op, ok: result.ok }).toEqual({ actorRole, held, role, op, ok: allowed });
            if (!result.ok) expect(result.reason.length).toBeGreaterThan(10);
          }
        }
      }
    });
  }

  it("nobody changes their own roles, whatever they hold", () => {
    for (const actorRole of ROLES) {
      for (const role of ROLES) {
        for (const op of ["grant", "revoke"] as const) {
          const c = { ...change(actorRole, actorRole, role, op), targetUserId: ACTOR, ownerCount: 3 };
          if (c.targetRoles.length === c.newRoles.length) continue; // granting a role already held changes nothing
          const result = checkRoleChange(c);
          expect({ actorRole, role, op, ok: result.ok }).toEqual({ actorRole, role, op, ok: false });
        }
      }
    }
    const secretaryToOwner = checkRoleChange({ actorUserId: ACTOR, actorRoles: ["secretary"], targetUserId: ACTOR, targetRoles: ["secretary"], newRoles: ["secretary", "owner", "board"], ownerCount: 1 });
    expect(secretaryToOwner).toEqual({ ok: false, reason: "Nobody changes their own roles: ask another owner or the secretary." });
  });

  it("answers the issue's case: a secretary cannot make the owner a plain member", () => {
    const r = checkRoleChange({ actorUserId: ACTOR, actorRoles: ["secretary"], targetUserId: TARGET, targetRoles: ["owner"], newRoles: ["member"], ownerCount: 1 });
    expect(r).toEqual({ ok: false, reason: "Only an owner can remove the Owner role." });
    const keepOwner = checkRoleChange({ actorUserId: ACTOR, actorRoles: ["secretary"], targetUserId: TARGET, targetRoles: ["owner"], newRoles: ["owner", "member"], ownerCount: 1 });
    expect(keepOwner).toEqual({ ok: false, reason: "Only an owner can change the roles of an owner." });
  });

  it("never removes or demotes the last owner, even for another owner", () => {
    const last = { actorUserId: ACTOR, actorRoles: ["owner"] as Role[], targetUserId: TARGET, targetRoles: ["owner"] as Role[], ownerCount: 1 };
    expect(checkRoleChange({ ...last, newRoles: ["member"] })).toEqual({ ok: false, reason: "The organisation needs at least one owner." });
    expect(checkRoleChange({ ...last, newRoles: [] })).toEqual({ ok: false, reason: "The organisation needs at least one owner." });
    expect(checkRoleChange({ ...last, newRoles: ["owner", "board"] })).toEqual({ ok: true, added: ["board"], removed: [] });
    expect(checkRoleChange({ ...last, ownerCount: 2, newRoles: ["member"] })).toEqual({ ok: true, added: ["member"], removed: ["owner"] });
  });
});

describe("invitations grant roles under the same rules", () => {
  const base = { actorUserId: ACTOR, existing: null, inviteeIsActor: false, ownerCount: 1 };
  it("lets only owners invite owners", () => {
    for (const actorRole of ROLES) {
      for (const role of ROLES) {
        const r = checkInvitationGrant({ ...base, actorRoles: [actorRole], roles: [role] });
        const allowed = actorRole === "owner" || (actorRole === "secretary" && role !== "owner");
        expect({ actorRole, role, ok: r.ok }).toEqual({ actorRole, role, ok: allowed });
      }
    }
  });
  it("refuses inviting oneself, and adding roles to an owner already in the organisation unless an owner does it", () => {
    expect(checkInvitationGrant({ ...base, actorRoles: ["secretary"], inviteeIsActor: true, roles: ["board"] }).ok).toBe(false);
    expect(checkInvitationGrant({ ...base, actorRoles: ["owner"], inviteeIsActor: true, roles: ["board"] }).ok).toBe(false);
    const owner = { userId: TARGET, roles: ["owner"] as Role[] };
    expect(checkInvitationGrant({ ...base, actorRoles: ["secretary"], existing: owner, roles: ["board"] }).ok).toBe(false);
    expect(checkInvitationGrant({ ...base, actorRoles: ["owner"], existing: owner, ownerCount: 2, roles: ["board"] }).ok).toBe(true);
    expect(checkInvitationGrant({ ...base, actorRoles: ["secretary"], existing: { userId: TARGET, roles: ["member"] }, roles: ["board"] })).toEqual({ ok: true, added: ["board"], removed: [] });
  });
});
