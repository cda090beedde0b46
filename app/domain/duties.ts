/*
 * Separation of duties: whoever records, proposes or asks for something
 * cannot also approve it; a second person does. One rule for every
 * two-person decision in the app:
 *
 * - a share transfer: whoever asked for it (secretary or member), or a
 *   member whose shares it moves, cannot approve it (the board decides);
 * - an interest run: whoever previewed it cannot approve it;
 * - a loan write-off: whoever proposed it cannot approve or reject it
 *   (they may withdraw it);
 * - a credit decision: the loan officer who took the application cannot
 *   vote for or against it, only recuse themselves.
 *
 * Pure: the caller reads who did what inside the transaction that decides,
 * with the governing row locked.
 */

export type Duty = "share_transfer" | "interest_run" | "loan_write_off" | "credit_decision";

/** Someone who already took part, and how ("asked for", "proposed", ...), in the words of a sentence. */
export interface Involvement {
  userId: string | null | undefined;
  as: "asked for" | "previewed" | "proposed" | "took" | "is a party to";
}

const WHAT: Record<Duty, { thing: string; decider: string }> = {
  share_transfer: { thing: "this transfer", decider: "another board member must approve it" },
  interest_run: { thing: "this interest run", decider: "another board member must approve it" },
  loan_write_off: { thing: "this write-off", decider: "another board member must decide on it; you can withdraw it" },
  credit_decision: { thing: "this application", decider: "recuse yourself and let the rest of the credit committee decide" },
};

export type SeparationCheck = { ok: true } | { ok: false; reason: string };

export function checkSeparationOfDuties(duty: Duty, deciderUserId: string, involved: readonly Involvement[]): SeparationCheck {
  const conflict = involved.find((i) => i.userId && i.userId === deciderUserId);
  if (!conflict) return { ok: true };
  const { thing, decider } = WHAT[duty];
  const did = conflict.as === "is a party to" ? `are a party to ${thing}` : conflict.as === "took" ? `took ${thing} as its loan officer` : `${conflict.as} ${thing}`;
  return { ok: false, reason: `You ${did}, so ${decider}.` };
}
