/**
 * Throttling rules (ADR 0013): fixed-window counters, one per key. A key
 * names what is counted: an account's failed log-ins, an address's failed
 * log-ins, the password-reset requests for an email or from an address,
 * and so on. Pure: the counting itself is one atomic statement in
 * app/models/core/rate-limits.server.ts.
 */

export interface LimitPolicy {
  /** Attempts allowed in one window. */
  limit: number;
  windowMs: number;
  /** For an account: how long it stays locked once `limit` attempts in a window have failed. */
  lockMs?: number;
}

const MINUTE = 60_000;

export const LIMITS = {
  /** Failed log-ins on one account, from any address: the 10th locks the account for an hour and emails its owner an unlock link. */
  loginAccount: { limit: 10, windowMs: 15 * MINUTE, lockMs: 60 * MINUTE },
  /** Failed log-ins from one client address, across accounts (password guessing across the register). */
  loginAddress: { limit: 50, windowMs: 15 * MINUTE },
  /** Wrong codes at the second step of one user's log-in. */
  secondFactor: { limit: 5, windowMs: 15 * MINUTE },
  /** Password-reset emails for one address, and requests from one client. */
  resetEmail: { limit: 3, windowMs: 60 * MINUTE },
  resetAddress: { limit: 10, windowMs: 60 * MINUTE },
  /** Applications to join (each emails a confirmation) for one email, and from one client (a launch event on one Wi-Fi may have many). */
  joinEmail: { limit: 3, windowMs: 60 * MINUTE },
  joinAddress: { limit: 30, windowMs: 60 * MINUTE },
} as const satisfies Record<string, LimitPolicy>;

export interface CounterState {
  /** Attempts counted in the current window, this one included. */
  points: number;
  windowEndsAt: Date;
  blockedUntil: Date | null;
}

export type Verdict = { allowed: true; points: number } | { allowed: false; retryAt: Date };

/** Whether the attempt just counted may go ahead: not while the key is locked, nor beyond the limit of its window. */
export function verdict(state: CounterState, policy: LimitPolicy, now: Date): Verdict {
  if (state.blockedUntil && state.blockedUntil.getTime() > now.getTime()) return { allowed: false, retryAt: state.blockedUntil };
  if (state.points > policy.limit) return { allowed: false, retryAt: state.windowEndsAt };
  return { allowed: true, points: state.points };
}

/** After a failed attempt: the time to lock the key until, when this failure used up the window's allowance of a policy that locks. */
export function lockAfterFailure(points: number, policy: LimitPolicy, now: Date): Date | null {
  if (!policy.lockMs || points < policy.limit) return null;
  return new Date(now.getTime() + policy.lockMs);
}

/** The later of two retry times (a refusal by two limits lasts until both allow). */
export function laterOf(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

/** "14:05" in UK time, for "Try again at …" messages. */
export function clockTime(at: Date): string {
  return at.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/London" });
}
