import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/utils/db.server";
import {
  acceptInvitation, attemptLogin, createInvitation, createSession, findValidPasswordReset, invalidateAllSessions,
  invalidateSession, requestPasswordReset, resetPassword, SESSION_DAYS, switchOrganisation, validateSessionToken,
} from "~/models/core/auth.server";
import { LIMITS } from "~/domain/throttle";
import { hashToken } from "~/utils/tokens.server";
import { makeOrganisation, makeUser, unique } from "../../db/factories";
import { testDb } from "../db";

let db: Database;
beforeAll(async () => {
  db = await testDb();
});

const DAY = 86_400_000;
const appUrl = "http://app.test";

describe("log-in", () => {
  it("accepts the right password and refuses a wrong one or an unknown email with the same answer", async () => {
    const org = await makeOrganisation(db);
    const user = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
    const ip = unique("ip");
    expect(await attemptLogin(db, { email: user.email.toUpperCase(), password: user.password, ip, appUrl })).toEqual({ ok: true, userId: user.id, organisationId: org.id });
    const wrong = await attemptLogin(db, { email: user.email, password: "wrong password!", ip, appUrl });
    const unknown = await attemptLogin(db, { email: "nobody-" + user.email, password: "wrong password!", ip, appUrl });
    expect(wrong).toEqual({ ok: false, reason: "invalid" });
    expect(unknown).toEqual(wrong);
  });

  it("times unknown emails like wrong passwords (both run argon2)", async () => {
    const org = await makeOrganisation(db);
    const user = await makeUser(db, { organisationId: org.id, roles: ["member"] });
    const time = async (email: string) => {
      const t = performance.now();
      await attemptLogin(db, { email, password: "not the password", ip: unique("ip"), appUrl });
      return performance.now() - t;
    };
    await time(user.email); // warm up
    // Medians of interleaved runs, so a busy moment of the machine (other test files run alongside) cannot decide it.
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time(user.email));
      unknown.push(await time(unique("ghost") + "@example.test"));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2];
    // argon2 dominates both; without the dummy hash the unknown path would be ~100x faster.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
  });

  it("locks an account after 10 failures from any addresses for an hour, with the time to retry", async () => {
    const org = await makeOrganisation(db);
    const user = await makeUser(db, { organisationId: org.id, roles: ["member"] });
    const start = new Date("2026-05-01T10:00:00Z");
    for (let i = 0; i < LIMITS.loginAccount.limit; i++) {
      const r = await attemptLogin(db, { email: user.email, password: "bad", ip: unique("ip"), appUrl }, new Date(start.getTime() + i * 1000));
      expect(r).toEqual({ ok: false, reason: "invalid" });
    }
    // Even the right password, from a new address, is refused while the account is locked.
    const blocked = await attemptLogin(db, { email: user.email, password: user.password, ip: unique("ip"), appUrl }, new Date(start.getTime() + 60_000));
    expect(blocked).toMatchObject({ ok: false, reason: "throttled", scope: "account" });
    if (blocked.ok || blocked.reason !== "throttled") throw new Error("expected throttled");
    expect(blocked.retryAt.toISOString()).toBe("2026-05-01T11:00:09.000Z");
    expect((await attemptLogin(db, { email: user.email, password: user.password, ip: unique("ip"), appUrl }, new Date(start.getTime() + 59 * 60_000))).ok).toBe(false);
    // After the lock the right password works again.
    const later = await attemptLogin(db, { email: user.email, password: user.password, ip: unique("ip"), appUrl }, new Date(start.getTime() + 61 * 60_000));
    expect(later.ok).toBe(true);
  });

  it("refuses an address after 50 failures across accounts", async () => {
    const ip = unique("ip");
    const at = new Date("2026-06-01T09:00:00Z");
    for (let i = 0; i < LIMITS.loginAddress.limit; i++) {
      expect(await attemptLogin(db, { email: `${unique("x")}@example.test`, password: "x", ip, appUrl }, at)).toEqual({ ok: false, reason: "invalid" });
    }
    const r = await attemptLogin(db, { email: `${unique("y")}@example.test`, password: "x", ip, appUrl }, new Date(at.getTime() + 1000));
    expect(r).toMatchObject({ ok: false, reason: "throttled", scope: "address" });
  });
});

describe("sessions", () => {
  it("stores only the SHA-256 of the token, slides the expiry, and expires", async () => {
    const org = await makeOrganisation(db);
    const user = await makeUser(db, { organisationId: org.id, roles: ["board"] });
    const now = new Date("2026-01-01T00:00:00Z");
    const { token } = await createSession(db, user.id, org.id, now);
    const stored = await db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute();
    expect(stored.map((s) => s.id)).toEqual([hashToken(token)]);
    expect(stored[0].id).not.toContain(token);

    const ctx = await validateSessionToken(db, token, new Date(now.getTime() + DAY));
    expect(ctx?.roles).toEqual(["board"]);
    expect(ctx?.organisation?.id).toBe(org.id);
    // Used after 20 days: pushed out to 30 days from then.
    const renewedAt = new Date(now.getTime() + 20 * DAY);
    const renewed = await validateSessionToken(db, token, renewedAt);
    expect(renewed?.expiresAt.getTime()).toBe(renewedAt.getTime() + SESSION_DAYS * DAY);
    // Unused for more than 30 days after that: gone.
    expect(await validateSessionToken(db, token, new Date(renewedAt.getTime() + 31 * DAY))).toBeNull();
    expect(await validateSessionToken(db, "not-a-token")).toBeNull();
  });

  it("logs out one session, or all of them", async () => {
    const org = await makeOrganisation(db);
    const user = await makeUser(db, { organisationId: org.id, roles: ["member"] });
    const a = await createSession(db, user.id, org.id);
    const b = await createSession(db, user.id, org.id);
    const c = await createSession(db, user.id, org.id);
    await invalidateSession(db, hashToken(a.token));
    expect(await validateSessionToken(db, a.token)).toBeNull();
    expect(await validateSessionToken(db, b.token)).not.toBeNull();
    await invalidateAllSessions(db, user.id);
    expect(await validateSessionToken(db, b.token)).toBeNull();
    expect(await validateSessionToken(db, c.token)).toBeNull();
  });

  it("switches only to organisations the user belongs to", async () => {
    const a = await makeOrganisation(db);
    const b = await makeOrganisation(db);
    const other = await makeOrganisation(db);
    const user = await makeUser(db, { organisationId: a.id, roles: ["secretary"] });
    await makeUser(db, { organisationId: b.id, roles: ["member"], email: user.email });
    const { token } = await createSession(db, user.id, a.id);
    const sessionId = hashToken(token);
    expect(await switchOrganisation(db, sessionId, user.id, b.id)).toBe(true);
    expect((await validateSessionToken(db, token))?.roles).toEqual(["member"]);
    expect(await switchOrganisation(db, sessionId, user.id, other.id)).toBe(false);
    expect((await validateSessionToken(db, token))?.organisation?.id).toBe(b.id);
  });
});

describe("password reset", () => {
  it("emails a link that works once, within an hour, and ends every session", async () => {
    const org = await makeOrganisation(db);
    const user = await makeUser(db, { organisationId: org.id, roles: ["member"] });
    const now = new Date();
    const { token: sessionToken } = await createSession(db, user.id, org.id);
    await requestPasswordReset(db, { email: user.email, ip: unique("ip"), appUrl }, now);
    const mail = await db.selectFrom("email_outbox").select(["body", "subject"]).where("to_email", "=", user.email).orderBy("id", "desc").executeTakeFirstOrThrow();
    const token = /reset-password\/([a-z0-9]+)/.exec(mail.body)?.[1];
    expect(token).toBeTruthy();
    expect(await findValidPasswordReset(db, token!, new Date(now.getTime() + 61 * 60_000))).toBeUndefined();
    expect(await resetPassword(db, token!, "a brand new password", new Date(now.getTime() + 61 * 60_000))).toBeNull();
    expect(await resetPassword(db, token!, "a brand new password", now)).toBe(user.id);
    expect(await resetPassword(db, token!, "another new password", now)).toBeNull();
    expect(await validateSessionToken(db, sessionToken)).toBeNull();
    expect((await attemptLogin(db, { email: user.email, password: "a brand new password", ip: unique("ip"), appUrl })).ok).toBe(true);
  });

  it("sends nothing for an unknown address", async () => {
    const email = `${unique("nobody")}@example.test`;
    await requestPasswordReset(db, { email, ip: unique("ip"), appUrl });
    expect(await db.selectFrom("email_outbox").select("id").where("to_email", "=", email).execute()).toEqual([]);
  });
});

describe("invitations", () => {
  it("lets an invited person set a password and join with the invited roles, once", async () => {
    const org = await makeOrganisation(db);
    const admin = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
    const email = `${unique("invitee")}@example.test`;
    const { token } = await createInvitation(db, { organisationId: org.id, organisationName: org.name, email, roles: ["member", "board"], invitedBy: admin.id, appUrl: "http://app.test" });
    const mail = await db.selectFrom("email_outbox").select("body").where("to_email", "=", email).executeTakeFirstOrThrow();
    expect(mail.body).toContain(`http://app.test/invitation/${token}`);
    const accepted = await acceptInvitation(db, token, { name: "New Person", password: "a long enough password" });
    expect(accepted?.organisationId).toBe(org.id);
    const login = await attemptLogin(db, { email, password: "a long enough password", ip: unique("ip"), appUrl });
    expect(login.ok).toBe(true);
    const roles = await db.selectFrom("user_roles").select("role").where("user_id", "=", accepted!.userId).orderBy("role").execute();
    expect(roles.map((r) => r.role)).toEqual(["board", "member"]);
    expect(await acceptInvitation(db, token, { name: "Again", password: "a long enough password" })).toBeNull();
  });
});
