import { describe, expect, it } from "vitest";
import { laterOf, LIMITS, lockAfterFailure, verdict } from "./throttle";

const now = new Date("2026-05-01T10:00:00Z");
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

describe("throttle verdicts", () => {
  it("allows up to the limit in a window, then refuses until the window ends", () => {
    const policy = LIMITS.resetEmail;
    expect(verdict({ points: policy.limit, windowEndsAt: at(30), blockedUntil: null }, policy, now)).toEqual({ allowed: true, points: policy.limit });
    expect(verdict({ points: policy.limit + 1, windowEndsAt: at(30), blockedUntil: null }, policy, now)).toEqual({ allowed: false, retryAt: at(30) });
  });

  it("refuses while a key is locked, whatever its count, and not after", () => {
    const policy = LIMITS.loginAccount;
    expect(verdict({ points: 1, windowEndsAt: at(15), blockedUntil: at(40) }, policy, now)).toEqual({ allowed: false, retryAt: at(40) });
    expect(verdict({ points: 1, windowEndsAt: at(15), blockedUntil: at(-1) }, policy, now)).toEqual({ allowed: true, points: 1 });
  });

  it("locks an account at the failure that uses up its allowance, for the policy's lock time", () => {
    expect(lockAfterFailure(LIMITS.loginAccount.limit - 1, LIMITS.loginAccount, now)).toBeNull();
    expect(lockAfterFailure(LIMITS.loginAccount.limit, LIMITS.loginAccount, now)).toEqual(at(60));
    // Address limits refuse but do not lock (nobody to email).
    expect(lockAfterFailure(LIMITS.loginAddress.limit, LIMITS.loginAddress, now)).toBeNull();
  });

  it("takes the later of two retry times", () => {
    expect(laterOf(at(5), at(10))).toEqual(at(10));
    expect(laterOf(null, at(3))).toEqual(at(3));
    expect(laterOf(null, null)).toBeNull();
  });
});
