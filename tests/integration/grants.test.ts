/**
 * Issue #13 point 2 over HTTP: People & roles grants only what the grant
 * rules allow (app/domain/grants.ts), for every acting role x target's role
 * x role granted or revoked, and invitations follow the same rules.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "~/domain/permissions";
import { makeOrganisation, makeUser } from "../../db/factories";
import { appTestBed, Browser } from "../http";

const t = appTestBed();
let org: Awaited<ReturnType<typeof makeOrganisation>>;

beforeAll(async () => {
  org = await makeOrganisation(t.db);
  // An owner besides the ones under test, so the last-owner rule does not decide the matrix.
  await makeUser(t.db, { organisationId: org.id, roles: ["owner"] });
});

async function rolesOf(userId: string): Promise<Role[]> {
  const rows = await t.db.selectFrom("user_roles").select("role").where("organisation_id", "=", org.id).where("user_id", "=", userId).orderBy("role").execute();
  return rows.map((r) => r.role as Role);
}

async function setRolesDirectly(userId: string, roles: Role[]) {
  await t.db.deleteFrom("user_roles").where("organisation_id", "=", org.id).where("user_id", "=", userId).execute();
  if (roles.length) await t.db.insertInto("user_roles").values(roles.map((role) => ({ organisation_id: org.id, user_id: userId, role }))).execute();
}

async function loggedIn(roles: Role[]) {
  const user = await makeUser(t.db, { organisationId: org.id, roles });
  const b = new Browser(t.server.base);
  await b.login(user.email, user.password);
  return { ...user, b };
}

const sorted = (roles: Role[]) => [...new Set(roles)].sort();

describe("People & roles: the grant matrix over HTTP", () => {
  for (const actorRole of ROLES) {
    it(`${actorRole}: grants and revokes exactly what the rules allow`, async () => {
      const actor = await loggedIn([actorRole]);
      const manages = actorRole === "owner" || actorRole === "secretary";
      for (const held of ROLES) {
        const target = await makeUser(t.db, { organisationId: org.id, roles: [held] });
        for (const role of ROLES) {
          for (const op of ["grant", "revoke"] as const) {
            const before: Role[] = op === "grant" ? [held] : sorted([held, role]);
            const after: Role[] = op === "grant" ? sorted([held, role]) : before.filter((r) => r !== role);
            await setRolesDirectly(target.id, before);
            const res = await actor.b.post("/users", { intent: "roles", userId: target.id, roles: after });
            const touchesOwner = role === "owner" || before.includes("owner");
            const noChange = op === "grant" && role === held;
            const allowed = actorRole === "owner" || (actorRole === "secretary" && (noChange || !touchesOwner));
            const now = await rolesOf(target.id);
            expect({ held, role, op, status: res.status, roles: now }).toEqual({ held, role, op, status: manages ? 200 : 403, roles: allowed ? sorted(after) : sorted(before) });
            if (manages && !allowed) expect(await res.text()).toMatch(/Only an owner can (grant|remove) the Owner role|Only an owner can change the roles of an owner/);
          }
        }
      }
    });
  }

  it("refuses anyone changing their own roles (the issue: a secretary granting themselves owner and board)", async () => {
    for (const role of ["secretary", "owner"] as const) {
      const me = await loggedIn([role]);
      const res = await me.b.post("/users", { intent: "roles", userId: me.id, roles: ["secretary", "owner", "board"] });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("Nobody changes their own roles");
      expect(await rolesOf(me.id)).toEqual([role]);
      const audit = await t.db.selectFrom("audit_events").select(["action", "actor_user_id"]).where("organisation_id", "=", org.id).where("entity_id", "=", me.id).execute();
      expect(audit).toEqual([{ action: "user.roles_change_refused", actor_user_id: me.id }]);
      const drop = await me.b.post("/users", { intent: "roles", userId: me.id, roles: [] });
      expect(await drop.text()).toContain("Nobody changes their own roles");
      expect(await rolesOf(me.id)).toEqual([role]);
    }
  });

  it("never lets the last owner go, and an owner may demote another owner while one remains", async () => {
    const solo = await makeOrganisation(t.db);
    const a = await makeUser(t.db, { organisationId: solo.id, roles: ["owner"] });
    const b = await makeUser(t.db, { organisationId: solo.id, roles: ["owner"] });
    const browserA = new Browser(t.server.base);
    await browserA.login(a.email, a.password);
    await browserA.post("/switch-organisation", { organisationId: solo.id, redirectTo: "/users" });
    const demoted = await browserA.post("/users", { intent: "roles", userId: b.id, roles: ["member"] });
    expect(await demoted.text()).toContain("Roles saved.");
    const ownersLeft = await t.db.selectFrom("user_roles").select("user_id").where("organisation_id", "=", solo.id).where("role", "=", "owner").execute();
    expect(ownersLeft.map((o) => o.user_id)).toEqual([a.id]);
    // b, now a member, cannot undo it; a cannot demote themselves.
    const self = await browserA.post("/users", { intent: "roles", userId: a.id, roles: ["member"] });
    expect(await self.text()).toContain("Nobody changes their own roles");
    expect((await t.db.selectFrom("user_roles").select("user_id").where("organisation_id", "=", solo.id).where("role", "=", "owner").execute()).length).toBe(1);
  });

  it("applies the rules to invitations: only owners invite owners, nobody invites themselves, owners' roles stay with owners", async () => {
    const secretary = await loggedIn(["secretary"]);
    const invite = (b: Browser, email: string, roles: Role[]) => b.post("/users", { intent: "invite", email, roles });
    const invitations = async (email: string) => t.db.selectFrom("invitations").select("roles").where("organisation_id", "=", org.id).where("email", "=", email).execute();

    const refusedOwner = await invite(secretary.b, "new-owner@example.test", ["owner"]);
    expect(await refusedOwner.text()).toContain("Only an owner can grant the Owner role.");
    expect(await invitations("new-owner@example.test")).toEqual([]);

    const self = await invite(secretary.b, secretary.email.toUpperCase(), ["board"]);
    expect(await self.text()).toContain("Nobody invites themselves");
    expect(await invitations(secretary.email)).toEqual([]);

    const owner = await makeUser(t.db, { organisationId: org.id, roles: ["owner"] });
    await invite(secretary.b, owner.email, ["board"]);
    expect(await invitations(owner.email)).toEqual([]);

    expect(await (await invite(secretary.b, "new-board@example.test", ["board", "member"])).text()).toContain("Invitation emailed");
    expect(await invitations("new-board@example.test")).toHaveLength(1);

    const ownerActor = await loggedIn(["owner"]);
    expect(await (await invite(ownerActor.b, "co-owner@example.test", ["owner"])).text()).toContain("Invitation emailed");
  });
});

describe("role changes take turns", () => {
  it("two owners demoting each other at the same moment leave one owner (run on PostgreSQL by test:pg)", async () => {
    const { changeUserRoles } = await import("~/models/core/users.server");
    for (let round = 0; round < 5; round++) {
      const o = await makeOrganisation(t.db);
      const a = await makeUser(t.db, { organisationId: o.id, roles: ["owner"] });
      const b = await makeUser(t.db, { organisationId: o.id, roles: ["owner"] });
      const results = await Promise.all([
        t.db.transaction().execute((trx) => changeUserRoles(trx, a.id, o.id, b.id, ["member"])),
        t.db.transaction().execute((trx) => changeUserRoles(trx, b.id, o.id, a.id, ["member"])),
      ]);
      expect(results.filter((r) => r?.ok)).toHaveLength(1);
      const owners = await t.db.selectFrom("user_roles").select("user_id").where("organisation_id", "=", o.id).where("role", "=", "owner").execute();
      expect(owners).toHaveLength(1);
    }
  });
});
