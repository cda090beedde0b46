import { displayMoney, moneyStyleOf, type MoneyStyle } from "~/domain/money";
import { loanPaymentReference, memberPaymentReference } from "./payments-in";

/*
 * Matching bank statement credits to what they pay (issue #18 point 2;
 * docs/treasury.md). Pure: the model gathers candidates for a whole
 * statement in one query (app/models/treasury/matching.server.ts) and these
 * rules say which candidate a line is for, how sure that is, and why, in
 * words the treasurer reads on the queue.
 *
 * Order of evidence: a reference first (the member's number or payment
 * reference M00045, the loan's number or payment reference L00007, written
 * however people type them), then the amount and the payer's name. Only a
 * reference, or a loan installment paid to the penny by someone of the
 * borrower's name, is "sure"; everything else is a suggestion.
 */

export interface QuotedReferences {
  memberNumbers: number[];
  loanReferences: number[];
}

const MEMBER_WORDS = "M|MEM|MEMB|MEMBER|MBR|MEMBERSHIP";
const LOAN_WORDS = "L|LN|LOAN";
const NUMBER_WORDS = "(?:NO|NUM|NUMBER|REF|REFERENCE|ID)\\.?";
const SEP = "[\\s#:.\\-/]*";

function referencePattern(words: string): RegExp {
  // A word that says what follows (M, MEMBER, LOAN NO, ...), perhaps spaces and punctuation, then the digits.
  return new RegExp(`(?<![A-Z0-9])(?:${words})(?:${SEP}${NUMBER_WORDS})?${SEP}(\\d{1,9})(?![0-9A-Z])`, "g");
}
const MEMBER_RE = referencePattern(MEMBER_WORDS);
const LOAN_RE = referencePattern(LOAN_WORDS);

function numbersIn(text: string, re: RegExp): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    if (n > 0 && !out.includes(n)) out.push(n);
  }
  return out;
}

/**
 * The member numbers and loan numbers a payment quotes, from its reference
 * and description: "M00045", "m 45", "MEMBER NO. 45", "shares M-0045 thanks",
 * "L00007", "loan 7", "LN7". A bare number is not taken (it could be
 * anything: an invoice, a date); the letter or word before it says which.
 */
export function quotedReferences(...texts: (string | null | undefined)[]): QuotedReferences {
  const text = texts.filter(Boolean).join(" ").toUpperCase();
  return { memberNumbers: numbersIn(text, MEMBER_RE), loanReferences: numbersIn(text, LOAN_RE) };
}

const DROPPED = new Set(["MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "REV", "SIR", "LADY", "THE", "AND", "LTD", "LIMITED", "CIC", "PLC", "LLP", "CO", "COOP", "SOCIETY", "FPO", "CBS", "T/A", "TA"]);

/** A name as words to compare: upper case, letters only, titles and company suffixes dropped. */
export function nameWords(name: string | null | undefined): string[] {
  return (name ?? "")
    .toUpperCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/&/g, " AND ")
    // "Co-operative", "Co-op", "Cooperative": one word, dropped like Ltd (before hyphens split words).
    .replace(/\bCO-?OP(?:ERATIVE)?\b/g, " COOP ")
    .replace(/[^A-Z\s-]/g, " ")
    .split(/[\s-]+/)
    .filter((w) => w && !DROPPED.has(w));
}

/**
 * How alike the payer's name on the statement is to a member's or
 * borrower's name, 0 to 1, whatever the order ("SMITH J" and "Jane Smith")
 * and with initials counting part way. Nothing in common but initials is 0:
 * an initial alone says nothing.
 */
export function nameSimilarity(payer: string | null | undefined, name: string | null | undefined): number {
  const a = nameWords(payer);
  const b = nameWords(name);
  if (!a.length || !b.length) return 0;
  const left = [...b];
  let score = 0;
  let whole = 0;
  // Whole words first, so an initial does not take the word a whole word would have matched.
  const rest: string[] = [];
  for (const w of a) {
    const i = w.length > 1 ? left.indexOf(w) : -1;
    if (i >= 0) {
      left.splice(i, 1);
      score += 1;
      whole += 1;
    } else rest.push(w);
  }
  for (const w of rest) {
    const i = left.findIndex((v) => (w.length === 1 ? v.startsWith(w) : v.length === 1 && w.startsWith(v)));
    if (i >= 0) {
      left.splice(i, 1);
      score += 0.75;
    }
  }
  if (whole === 0) return 0;
  return Math.min(1, score / Math.max(a.length, b.length));
}

/**
 * The key a payer's name is looked up by among the members (an index on
 * the same expression, migration 0028): the first letter and the last word,
 * "J SMITH" for "Jane Smith". Mirrors the SQL `memberNameKeySql`.
 */
export function nameKey(name: string): string | null {
  const first = /[A-Za-z]/.exec(name)?.[0];
  const last = /([A-Za-z]+)[^A-Za-z]*$/.exec(name)?.[1];
  return first && last ? `${first.toUpperCase()} ${last.toUpperCase()}` : null;
}

/** The keys to look a payer's name up by: as written, without titles, and turned round ("SMITH J" -> "J SMITH"). */
export function payerNameKeys(payer: string | null | undefined): string[] {
  if (!payer) return [];
  const words = nameWords(payer);
  const keys = [nameKey(payer), nameKey(words.join(" "))];
  if (words.length >= 2) keys.push(nameKey([...words.slice(1), words[0]].join(" ")), nameKey([words[words.length - 1], ...words.slice(0, -1)].join(" ")));
  return [...new Set(keys.filter((k): k is string => k !== null))];
}

export type MatchTarget =
  | {
      kind: "member";
      memberId: string;
      memberNumber: number;
      name: string;
      status: string;
      /** The price of one share in the class a payment buys (the class the member holds, else the first). */
      parValue: bigint | null;
      className: string | null;
    }
  | {
      kind: "loan";
      loanId: string;
      reference: number;
      name: string;
      status: string;
      /** The next installment in full, and what is left to pay on the whole schedule. */
      installment: bigint | null;
      outstanding: bigint | null;
    };

export type CandidateVia = "member-reference" | "loan-reference" | "loan-amount" | "member-name";

export interface Candidate {
  via: CandidateVia;
  target: MatchTarget;
}

export interface LineToMatch {
  amountMinor: bigint;
  currency: string;
  payerName: string | null;
  /** The organisation's locale, that the reasons write amounts in (default en-GB). */
  locale?: string;
}

export type Certainty = "sure" | "suggested";

export interface Proposal {
  certainty: Certainty;
  target: MatchTarget;
  /** Why, for the person confirming: what agreed and what did not. */
  reason: string;
  /** For ordering suggestions, best first. */
  score: number;
}

/** A name that agrees: the payer is the member or borrower, as far as a bank statement can say. */
export const NAME_AGREES = 0.8;
/** A name close enough not to cast doubt on a reference. */
export const NAME_PLAUSIBLE = 0.5;

export function targetReference(t: MatchTarget): string {
  return t.kind === "member" ? memberPaymentReference(t.memberNumber) : loanPaymentReference(t.reference);
}

export function targetLabel(t: MatchTarget): string {
  return t.kind === "member" ? `${t.name} (member ${targetReference(t)})` : `${t.name} (loan ${targetReference(t)})`;
}

/** Why a member could not be credited with shares for this amount, or null if they can. */
export function memberProblem(t: Extract<MatchTarget, { kind: "member" }>, amount: bigint, currency: string | MoneyStyle): string | null {
  if (t.status === "applied") return `${t.name} has applied and is not yet admitted: admit them first, then match the payment`;
  if (t.status === "suspended" || t.status === "ceased") return `${t.name} is ${t.status} and cannot buy shares`;
  if (!t.parValue || t.parValue <= 0n) return "The organisation has no share class to buy";
  if (amount % t.parValue !== 0n) return `${displayMoney(amount, currency)} is not a whole number of ${displayMoney(t.parValue, currency)} shares`;
  return null;
}

/** Why a loan could not take this amount as a repayment, or null if it can. */
export function loanProblem(t: Extract<MatchTarget, { kind: "loan" }>, amount: bigint, currency: string | MoneyStyle): string | null {
  if (t.status !== "active") return `Loan ${targetReference(t)} is ${t.status.replace("_", " ")}`;
  if (t.outstanding !== null && amount > t.outstanding) return `${displayMoney(amount, currency)} is more than the ${displayMoney(t.outstanding, currency)} left to pay on loan ${targetReference(t)}`;
  return null;
}

function sharesWord(amount: bigint, par: bigint) {
  const n = amount / par;
  return `${n} share${n === 1n ? "" : "s"}`;
}

function judge(line: LineToMatch, c: Candidate): Proposal {
  const { target } = c;
  const style = moneyStyleOf(line);
  const money = (v: bigint) => displayMoney(v, style);
  const similarity = nameSimilarity(line.payerName, target.name);
  const noPayer = nameWords(line.payerName).length === 0;
  const nameNote = noPayer ? "the bank gives no payer name" : similarity >= NAME_AGREES ? `the payer ${line.payerName} is ${target.name}` : similarity >= NAME_PLAUSIBLE ? `the payer ${line.payerName} is probably ${target.name}` : `but the payer ${line.payerName} is not ${target.name}`;
  if (target.kind === "member") {
    const problem = memberProblem(target, line.amountMinor, style);
    const buys = !problem && target.parValue ? `; ${money(line.amountMinor)} buys ${sharesWord(line.amountMinor, target.parValue)}` : "";
    if (c.via === "member-reference") {
      const nameOk = noPayer || similarity >= NAME_PLAUSIBLE;
      const sure = !problem && nameOk;
      const reason = `Quotes member reference ${targetReference(target)}, ${nameNote}${buys}${problem ? `. ${problem}` : ""}`;
      return { certainty: sure ? "sure" : "suggested", target, reason, score: (sure ? 3 : 2) + similarity / 10 };
    }
    const reason = `No reference; the payer's name is like ${target.name}'s${buys}${problem ? `. ${problem}` : ""}`;
    return { certainty: "suggested", target, reason, score: similarity - (problem ? 0.5 : 0) };
  }
  const problem = loanProblem(target, line.amountMinor, style);
  const isInstallment = target.installment !== null && target.installment === line.amountMinor;
  const amountNote = isInstallment ? `${money(line.amountMinor)} is the installment` : `${money(line.amountMinor)} is a repayment`;
  if (c.via === "loan-reference") {
    const nameOk = noPayer || similarity >= NAME_PLAUSIBLE;
    const sure = !problem && nameOk;
    const reason = `Quotes loan reference ${targetReference(target)}, ${nameNote}; ${amountNote}${problem ? `. ${problem}` : ""}`;
    return { certainty: sure ? "sure" : "suggested", target, reason, score: (sure ? 3 : 2) + similarity / 10 };
  }
  const sure = !problem && isInstallment && similarity >= NAME_AGREES;
  const reason = `No reference; ${amountNote} of loan ${targetReference(target)} and ${noPayer ? "the bank gives no payer name" : similarity >= NAME_PLAUSIBLE ? `the payer ${line.payerName} is like ${target.name}` : `the payer ${line.payerName} is not ${target.name}`}${problem ? `. ${problem}` : ""}`;
  // An installment-sized amount from someone of another name is no evidence at all: many loans share an installment.
  const score = !noPayer && similarity < NAME_PLAUSIBLE ? 0 : (sure ? 2.5 : 1) + similarity - (problem ? 0.5 : 0);
  return { certainty: sure ? "sure" : "suggested", target, reason, score };
}

const keyOf = (t: MatchTarget) => (t.kind === "member" ? `m:${t.memberId}` : `l:${t.loanId}`);

/**
 * Every candidate for one line judged, best first, at most `max`. At most
 * one proposal is "sure": if two candidates would be (a payment quoting a
 * member and a loan, or two loans of one payer for the same installment),
 * the treasurer chooses, and each says so.
 */
export function proposeForLine(line: LineToMatch, candidates: readonly Candidate[], max = 5): Proposal[] {
  const best = new Map<string, Proposal>();
  for (const c of candidates) {
    const p = judge(line, c);
    const k = keyOf(c.target);
    const had = best.get(k);
    if (!had || p.score > had.score) best.set(k, p);
  }
  const all = [...best.values()].sort((a, b) => b.score - a.score || targetReference(a.target).localeCompare(targetReference(b.target)));
  const sure = all.filter((p) => p.certainty === "sure");
  if (sure.length > 1) {
    for (const p of sure) {
      p.certainty = "suggested";
      p.reason += `. It could also be ${sure.filter((q) => q !== p).map((q) => targetLabel(q.target)).join(", ")}: choose`;
    }
  }
  // Suggestions with nothing going for them (another payer's name, no reference) are left out.
  return all.filter((p) => p.certainty === "sure" || p.score > 0.3).slice(0, max);
}

export interface AllocationDraft {
  amountMinor: bigint;
}

/** A split's amounts: each more than zero, together exactly the line's amount. Null when right, else the reason. */
export function splitProblem(lineAmount: bigint, allocations: readonly AllocationDraft[], currency: string | MoneyStyle): string | null {
  if (lineAmount <= 0n) return "Only money paid in is matched to members and loans.";
  if (!allocations.length) return "Choose what the payment is for.";
  if (allocations.some((a) => a.amountMinor <= 0n)) return "Each part of a split must be more than zero.";
  const total = allocations.reduce((s, a) => s + a.amountMinor, 0n);
  if (total !== lineAmount) {
    return `The parts add up to ${displayMoney(total, currency)}, but the line is ${displayMoney(lineAmount, currency)}: they must add up to the line exactly.`;
  }
  return null;
}
