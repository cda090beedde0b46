/*
 * The audit trail in plain words (issue #16). Each kind of event the code
 * records has one sentence here ("Ann Patel recorded a share purchase of 10
 * shares (£10.00) for Member M00045"), money in the organisation's currency,
 * never raw pence or JSON. Pure: the model loads the events and the names
 * they refer to; this only writes.
 *
 * AUDIT_WORDS is the one list of kinds: recordAudit takes an `AuditKind`, so
 * a new kind does not compile until it has words here, and
 * audit-words.test.ts checks every kind the code records is listed.
 */
import { DEFAULT_LOCALE, displayLongDate } from "./locale";
import { displayMoney, parseMoney, type Minor, type MoneyStyle } from "./money";
import { ROLE_LABELS, type Role } from "./permissions";
import { memberPaymentReference } from "./treasury/payments-in";

/** What one recorded event says, with the before and after objects parsed from its body. */
export interface AuditFacts {
  action: string;
  /** The name of the user who did it; null when the system did (a webhook, a scheduled job, an online form). */
  actorName: string | null;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/** What a record an event refers to is called, looked up by the model. */
export interface AuditNames {
  /** Members by id: number and name. */
  members: ReadonlyMap<string, { number: number | string; name: string }>;
  /** Anything else by id (a loan as "the loan to Ribble Bakers", a meeting by its title, a share class by name...). */
  things: ReadonlyMap<string, string>;
}

type Bag = Record<string, unknown>;

class Words {
  constructor(
    readonly facts: AuditFacts,
    readonly names: AuditNames,
    readonly currency: string | MoneyStyle,
  ) {}

  /** Who did it, as the sentence's subject. */
  get who(): string {
    return this.facts.actorName ?? "The system";
  }
  get a(): Bag {
    return asBag(this.facts.after);
  }
  get b(): Bag {
    return asBag(this.facts.before);
  }
  /** An amount: minor units as a bigint, a string of digits or a number; "5000.00" as typed. */
  money(v: unknown): string {
    const minor = toMinor(v);
    return minor === null ? "an amount" : displayMoney(minor, this.currency);
  }
  /** A business day (YYYY-MM-DD) written out in the organisation's locale, "2 March 2026"; anything else as it is. */
  day(v: unknown, fallback = "?"): string {
    const text = str(v, fallback);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
    return displayLongDate(text, typeof this.currency === "string" ? DEFAULT_LOCALE : this.currency.locale);
  }
  /** " on 2 March 2026", or nothing when the event has no day. */
  on(v: unknown): string {
    return str(v) ? ` on ${this.day(v)}` : "";
  }
  member(id: unknown): string {
    if (typeof id !== "string") return "a member";
    const m = this.names.members.get(id);
    return m ? `Member ${memberPaymentReference(m.number)} (${m.name})` : "a member";
  }
  /** The record the event is about, by name where known. */
  subject(fallback: string): string {
    if (this.facts.entityType === "member") return this.member(this.facts.entityId);
    return this.names.things.get(this.facts.entityId) ?? fallback;
  }
  thing(id: unknown, fallback: string): string {
    return typeof id === "string" ? (this.names.things.get(id) ?? fallback) : fallback;
  }
}

function asBag(v: unknown): Bag {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Bag) : {};
}

export function toMinor(v: unknown): Minor | null {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === "string") {
    if (/^-?\d+$/.test(v)) return BigInt(v);
    if (/^-?\d+\.\d{1,2}$/.test(v)) return parseMoney(v);
  }
  return null;
}

const str = (v: unknown, fallback = ""): string => (typeof v === "string" || typeof v === "number" || typeof v === "bigint" ? String(v) : fallback);
const quoted = (v: unknown, fallback: string) => (str(v) ? `“${str(v)}”` : fallback);
const count = (n: unknown, one: string, many = `${one}s`) => {
  const v = Number(str(n, "0"));
  return `${v.toLocaleString("en-GB")} ${v === 1 ? one : many}`;
};
const product = (name: unknown) => (str(name) ? `the loan product ${quoted(name, "")}` : "a loan product");
const because = (r: unknown) => (str(r) ? `: “${str(r)}”` : "");
const roleList = (v: unknown) => {
  const roles = Array.isArray(v) ? v.map((r) => ROLE_LABELS[r as Role] ?? str(r)) : [];
  return roles.length ? roles.join(", ") : "no roles";
};
/** Field names that differ between before and after, in words ("name, email"). */
const changed = (before: Bag, after: Bag) => {
  const keys = Object.keys(after).filter((k) => !/^(updated_at|created_at|id|organisation_id)$/.test(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return keys.length ? ` (${keys.map((k) => k.replace(/_/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()).join(", ")})` : "";
};
const STATUS_WORDS: Record<string, string> = { applied: "applied", admitted: "admitted", suspended: "suspended", ceased: "ceased" };

type Sentence = (w: Words) => string;

/** Every kind of event the code records, its label (for the filter) and its sentence. */
export const AUDIT_WORDS = {
  // Members and shares
  "member.created": { label: "Member added", words: (w) => `${w.who} added ${w.subject("a member")} to the register` },
  "member.updated": { label: "Member details changed", words: (w) => `${w.who} changed the details of ${w.subject("a member")}${changed(w.b, w.a)}` },
  "member.status_changed": {
    label: "Member status changed",
    words: (w) => `${w.who} changed ${w.subject("a member")} from ${STATUS_WORDS[str(w.b.status)] ?? str(w.b.status, "?")} to ${STATUS_WORDS[str(w.a.status)] ?? str(w.a.status, "?")}${w.on(w.a.effectiveOn)}${because(w.a.note)}`,
  },
  "members.imported": { label: "Members imported", words: (w) => `${w.who} imported ${count(w.a.members, "member")} holding ${count(w.a.shares, "share")} (numbers ${str(w.a.firstNumber, "?")} to ${str(w.a.lastNumber, "?")})` },
  "share_class.created": { label: "Share class added", words: (w) => `${w.who} added the share class ${quoted(w.a.name, "")}`.trimEnd() },
  "share_class.updated": { label: "Share class changed", words: (w) => `${w.who} changed the share class ${w.subject("")}${changed(w.b, w.a)}`.replace(/ {2,}/g, " ") },
  "share.purchase_recorded": {
    label: "Share purchase",
    words: (w) => `${w.who} recorded a share purchase of ${count(w.a.bought, "share")} (${w.money(w.a.amount)}) for ${w.member(w.a.memberId)}${w.on(w.a.on)}`,
  },
  "share.certificate_issued": {
    label: "Share certificate issued",
    words: (w) => `${w.who} issued share certificate ${str(w.a.number, "")} for ${count(w.a.shares, "share")} to ${w.member(w.a.memberId)}${str(w.b.cancelledNumber) ? `, cancelling certificate ${str(w.b.cancelledNumber)}` : ""}`,
  },
  "share.transaction_reversed": { label: "Share transaction reversed", words: (w) => `${w.who} reversed share transaction ${str(w.b.id, "")} on the ledger${because(w.a.reason)}` },
  "share.application_received": { label: "Share application received", words: (w) => `${w.facts.actorName ?? "An applicant online"} applied for ${count(w.a.shares, "share")} as ${w.member(w.a.memberId)}` },
  "share.application_admitted": { label: "Share application admitted", words: (w) => `${w.who} admitted a share application${w.on(w.a.on)}${str(w.a.certificate) ? ` and issued certificate ${str(w.a.certificate)}` : ""}` },
  "share.application_declined": { label: "Share application declined", words: (w) => `${w.who} declined a share application${w.on(w.a.on)}${because(w.a.reason)}` },
  "share.transfer_requested": { label: "Share transfer requested", words: (w) => `${w.who} asked to transfer ${count(w.a.shares, "share")} from ${w.member(w.a.fromMemberId)} to ${w.member(w.a.toMemberId)}` },
  "share.transfer_approved": { label: "Share transfer approved", words: (w) => `${w.who} approved a share transfer${w.on(w.a.on)}${because(w.a.note)}` },
  "share.transfer_rejected": { label: "Share transfer rejected", words: (w) => `${w.who} rejected a share transfer${w.on(w.a.on)}${because(w.a.note)}` },
  "share.withdrawal_requested": {
    label: "Withdrawal requested",
    words: (w) => `${w.who} recorded a request from ${w.member(w.a.memberId)} to withdraw ${count(w.a.shares, "share")} (${w.money(w.a.amount)})${w.a.leaving === true ? ", leaving the society" : ""}${str(w.a.dueOn) ? `, due ${w.day(w.a.dueOn)}` : ""}`,
  },
  "share.withdrawal_paid": { label: "Withdrawal paid", words: (w) => `${w.who} paid out a withdrawal of ${count(w.a.paid, "share")} (${w.money(w.a.amount)})${w.on(w.a.paidOn)}` },
  "share.withdrawals_suspended": { label: "Withdrawals suspended", words: (w) => `${w.who} suspended share withdrawals from ${w.day(w.a.fromOn)}${because(w.a.reason)}` },
  "share.withdrawals_resumed": { label: "Withdrawals resumed", words: (w) => `${w.who} ended a suspension of share withdrawals${w.on(w.a.until)}` },
  "share.interest_previewed": {
    label: "Interest on shares worked out",
    words: (w) => `${w.who} worked out interest on shares from ${w.day(w.a.from)} to ${w.day(w.a.to)}: ${w.money(w.a.total)} to ${count(w.a.members, "member")}`,
  },
  "share.interest_approved": { label: "Interest on shares approved", words: (w) => `${w.who} approved an interest run on shares` },
  "share.interest_posted": { label: "Interest on shares paid", words: (w) => `${w.who} posted an interest run on shares to ${count(w.a.members, "member")}${w.on(w.a.on)}` },
  "share.card_payment_started": { label: "Card payment for shares started", words: (w) => `${w.who} started a card payment of ${w.money(w.a.amount)} for ${count(w.a.shares, "share")} for ${w.member(w.a.memberId)}` },
  "share.card_payment_completed": { label: "Card payment for shares completed", words: (w) => `${w.facts.actorName ?? "The card payment provider"} confirmed a card payment for shares, and the shares were recorded` },
  "share.card_payment_failed": { label: "Card payment for shares failed", words: (w) => `${w.facts.actorName ?? "The card payment provider"} reported a card payment for shares as not paid` },
  "share.card_payment_refused": { label: "Card payment for shares refused", words: (w) => `A card payment for shares was taken but the shares could not be issued${because(w.a.reason)}` },
  "card_payment.refunded": { label: "Card payment refunded", words: (w) => `${w.who} refunded a card payment of ${w.money(w.a.amount)}` },

  // Governance
  "meeting.called": { label: "Meeting called", words: (w) => `${w.who} called the meeting ${quoted(w.a.title, "")} for ${w.day(w.a.heldOn)}${str(w.a.startsAt) ? ` at ${str(w.a.startsAt)}` : ""}` },
  "meeting.notice_emailed": { label: "Meeting notice emailed", words: (w) => `${w.who} emailed notice of ${w.subject("a meeting")} to ${count(w.a.recipients, "member")}` },
  "meeting.minutes_changed": { label: "Minutes changed", words: (w) => `${w.who} changed the minutes of ${w.subject("a meeting")}` },
  "motion.added": { label: "Motion added", words: (w) => `${w.who} added the motion ${quoted(w.a.title, "")}`.trimEnd() },
  "motion.voting_opened": { label: "Voting opened", words: (w) => `${w.who} opened voting on ${w.subject("a motion")} for ${count(w.a.eligible, "eligible member")}${str(w.a.recordDate) ? ` (record date ${w.day(w.a.recordDate)})` : ""}` },
  "motion.closing_time_set": { label: "Closing time set", words: (w) => `${w.who} set when voting on ${w.subject("a motion")} is due to close: ${str(w.a.closesAt) ? str(w.a.closesAt).replace("T", " ").slice(0, 16) + " UTC" : "no time set"}` },
  "motion_comment.hidden": { label: "Comment hidden", words: (w) => `${w.who} hid a comment by ${str(w.a.author, "a member")} in a motion's discussion${because(w.a.reason)}` },
  "motion.hands_counted": { label: "Show of hands recorded", words: (w) => `${w.who} recorded the show of hands on ${w.subject("a motion")}` },
  "motion.result_certified": { label: "Result certified", words: (w) => `${w.who} certified the result of ${w.subject("a motion")} (${count(w.a.eligible, "eligible member")})` },
  "election.added": { label: "Election added", words: (w) => `${w.who} added the election ${quoted(w.a.title, "")}${str(w.a.seats) ? ` for ${count(w.a.seats, "seat")}` : ""}` },
  "election.imported": {
    label: "Election ballots imported",
    words: (w) => `${w.who} imported the election ${quoted(w.a.title, "")}: ${count(w.a.candidates, "candidate")} for ${count(w.a.seats, "seat")}, ${count(w.a.papers, "ballot paper")}`,
  },
  "proxy.appointed": {
    label: "Proxy appointed",
    words: (w) => `${w.who} recorded that ${w.member(w.a.appointer)} appointed ${w.a.holder === "chair" ? "the chair of the meeting" : w.member(w.a.holder)} as proxy for ${w.thing(w.a.meetingId, "a meeting")}`,
  },
  "proxy.revoked": { label: "Proxy revoked", words: (w) => `${w.who} revoked a proxy appointment` },
  "proxy.vote_recorded": { label: "Proxy vote recorded", words: (w) => `${w.who} cast a vote as proxy on ${w.thing(w.a.motionId, "a motion")}` },

  // Lending
  "loan_product.created": { label: "Loan product added", words: (w) => `${w.who} added the loan product ${quoted(w.a.name, "")}`.trimEnd() },
  "loan_product.updated": { label: "Loan product changed", words: (w) => `${w.who} changed ${product(w.a.name)}${changed(w.b, w.a)}` },
  "loan_product.retired": { label: "Loan product retired", words: (w) => `${w.who} retired ${product(w.a.name)}${w.on(w.a.retired_on)}: it is no longer offered for new applications` },
  "loan_product.brought_back": { label: "Loan product offered again", words: (w) => `${w.who} offered ${product(w.a.name)} again for new applications` },
  "borrower.created": { label: "Borrower added", words: (w) => `${w.who} added the borrower ${quoted(w.a.legal_name, "")}`.trimEnd() },
  "borrower.updated": { label: "Borrower details changed", words: (w) => `${w.who} changed the details of ${str(w.a.legal_name) ? `the borrower ${quoted(w.a.legal_name, "")}` : "a borrower"}${changed(w.b, w.a)}` },
  "loan_application.created": { label: "Loan application started", words: (w) => `${w.who} started ${w.subject("a loan application")} for ${w.money(w.a.amount)}` },
  "loan_application.submit": { label: "Loan application submitted", words: (w) => `${w.who} submitted ${w.subject("a loan application")}` },
  "loan_application.review": { label: "Loan application reviewed", words: (w) => `${w.who} reviewed ${w.subject("a loan application")}` },
  "loan_application.refer": { label: "Loan application sent to committee", words: (w) => `${w.who} sent ${w.subject("a loan application")} to the credit committee` },
  "loan_application.offer": { label: "Loan offer made", words: (w) => `${w.who} made a loan offer on ${w.subject("a loan application")}` },
  "loan_application.accept": { label: "Loan offer accepted", words: (w) => `${w.who} recorded that the borrower accepted the offer on ${w.subject("a loan application")}` },
  "loan_application.withdraw": { label: "Loan application withdrawn", words: (w) => `${w.who} withdrew ${w.subject("a loan application")}` },
  "loan_application.approved": { label: "Loan approved by committee", words: (w) => `The credit committee approved ${w.subject("a loan application")} on ${w.who === "The system" ? "its last vote" : `${w.who}’s vote`}${because(w.a.reason)}` },
  "loan_application.declined": { label: "Loan declined by committee", words: (w) => `The credit committee declined ${w.subject("a loan application")} on ${w.who === "The system" ? "its last vote" : `${w.who}’s vote`}${because(w.a.reason)}` },
  "loan_application.disbursed": { label: "Loan application paid out", words: (w) => `${w.who} paid out ${w.subject("a loan application")}` },
  "loan_application.payout_reversed": { label: "Loan application back to accepted", words: (w) => `${w.who} put ${w.subject("a loan application")} back to accepted after its pay-out was reversed${because(w.a.reason)}` },
  "credit_vote.cast": { label: "Credit committee vote", words: (w) => `${w.who} voted “${str(w.a.vote, "?")}” on ${w.subject("a loan application")} for the credit committee` },
  "loan.disbursed": { label: "Loan paid out", words: (w) => `${w.who} paid out ${w.subject("a loan")} of ${w.money(w.a.principal)} in ${count(w.a.installments, "instalment")}${w.on(w.a.disbursed_on)}` },
  "loan.repayment_recorded": { label: "Loan repayment", words: (w) => `${w.who} recorded a repayment of ${w.money(w.a.amount)} on ${w.subject("a loan")}${w.on(w.a.onDate)}${w.a.closed === true ? ", which repaid it in full" : ""}` },
  "loan.repayment_reversed": { label: "Loan repayment reversed", words: (w) => `${w.who} reversed a repayment of ${w.money(w.b.amount)} on ${w.subject("a loan")}${w.on(w.a.onDate)}${because(w.a.note)}` },
  "loan.payout_reversed": { label: "Loan pay-out reversed", words: (w) => `${w.who} reversed the pay-out of ${w.subject("a loan")} (${w.money(w.b.principal)}) as recorded in error${w.on(w.a.onDate)}${because(w.a.reason)}` },
  "loan.write_off_proposed": { label: "Write-off proposed", words: (w) => `${w.who} proposed writing off ${w.subject("a loan")}${w.on(w.a.onDate)}${because(w.a.note)}` },
  "loan.write_off_approved": { label: "Write-off approved", words: (w) => `${w.who} approved writing off ${w.subject("a loan")} (${w.money(w.a.principal)})${because(w.a.note)}` },
  "loan.write_off_rejected": { label: "Write-off rejected", words: (w) => `${w.who} rejected writing off ${w.subject("a loan")}${because(w.a.note)}` },
  "loan.write_off_withdrawn": { label: "Write-off withdrawn", words: (w) => `${w.who} withdrew the proposal to write off ${w.subject("a loan")}${because(w.a.note)}` },
  "loan.written_off": { label: "Loan written off", words: (w) => `${w.who} wrote off ${w.money(w.a.principal)} of ${w.subject("a loan")}${w.on(w.a.onDate)}` },
  "loan.recovery_recorded": { label: "Recovery on a written-off loan", words: (w) => `${w.who} recorded a recovery of ${w.money(w.a.amount)} on ${w.subject("a loan")}${w.on(w.a.onDate)}` },
  "loan.document_added": { label: "Loan document added", words: (w) => `${w.who} added the document ${quoted(w.a.filename, "")} to ${w.subject(w.facts.entityType === "loan" ? "a loan" : "a loan application")}` },
  "loan.card_payment_started": { label: "Card payment on a loan started", words: (w) => `${w.who} started a card payment of ${w.money(w.a.amount)} on ${w.subject("a loan")}` },
  "loan.card_payment_failed": { label: "Card payment on a loan failed", words: (w) => `${w.facts.actorName ?? "The card payment provider"} reported a card payment on ${w.subject("a loan")} as not paid` },

  // Impact
  "impact.settings_changed": { label: "Impact settings changed", words: (w) => `${w.who} changed the impact settings${changed(w.b, w.a)}` },
  "anchor.created": { label: "Anchor institution added", words: (w) => `${w.who} added the anchor institution ${quoted(w.a.name, "")}`.trimEnd() },
  "procurement.spend_uploaded": { label: "Supplier spend uploaded", words: (w) => `${w.who} uploaded ${count(w.a.lines, "line")} of supplier spend (${w.money(w.a.total)}) from ${quoted(w.a.filename, "a file")}` },
  "procurement.upload_withdrawn": { label: "Supplier spend withdrawn", words: (w) => `${w.who} withdrew the supplier spend uploaded from ${quoted(w.b.filename, "a file")}` },
  "lm3.study_recorded": { label: "LM3 study saved", words: (w) => `${w.who} saved the LM3 study ${quoted(w.a.name, "")} for ${w.day(w.a.periodFrom)} to ${w.day(w.a.periodTo)}: LM3 ${str(w.a.lm3, "?")}` },

  // Treasury and books
  "bank_account.created": { label: "Bank account added", words: (w) => `${w.who} added the bank account ${quoted(w.a.name, "")}`.trimEnd() },
  "bank_account.payments_in": { label: "Account for payments in chosen", words: (w) => `${w.who} chose ${w.subject("a bank account")} as the account members and borrowers pay into` },
  "bank_account.csv_mapping": { label: "Statement layout saved", words: (w) => `${w.who} saved how statement files of ${w.subject("a bank account")} are read` },
  "statement.imported": {
    label: "Bank statement imported",
    words: (w) => `${w.who} imported the bank statement ${quoted(w.a.filename, "")}: ${count(w.a.linesNew, "new line")} (${str(w.a.linesExisting, "0")} already there), ${w.day(w.a.firstDate)} to ${w.day(w.a.lastDate)}`,
  },
  "statement_line.matched": {
    label: "Bank payment matched",
    words: (w) => `${w.who} matched a bank payment of ${w.money(w.a.amount)}${w.on(w.a.bookedOn)} to ${count(Array.isArray(w.a.parts) ? w.a.parts.length : 1, "item")}, recorded on the ledgers`,
  },
  "statement_line.match_undone": { label: "Bank payment match undone", words: (w) => `${w.who} undid the match of a bank payment; what it recorded was reversed${because(w.a.reason)}` },
  "dd.mandate_requested": { label: "Direct Debit set-up sent", words: (w) => `${w.who} sent a Direct Debit set-up link for ${w.a.loanId ? w.subject("a loan") : w.member(w.a.memberId)}` },
  "dd.mandate_recorded": { label: "Direct Debit mandate recorded", words: (w) => `${w.who} recorded the Direct Debit mandate ${str(w.a.providerMandateId, "")} (${str(w.a.status, "?")})`.replace("  ", " ") },
  "dd.mandate_cancelled": { label: "Direct Debit mandate cancelled", words: (w) => `${w.facts.actorName ?? "GoCardless"} cancelled a Direct Debit mandate${w.a.cancelledCollections !== undefined ? `; ${count(w.a.cancelledCollections, "collection")} not yet taken cancelled` : ""}${because(w.a.cause)}` },
  "dd.mandate_authorised": { label: "Direct Debit authorised", words: (w) => `The payer authorised a Direct Debit mandate (${str(w.a.providerMandateId, "?")})` },
  "dd.mandate_setting_up": { label: "Direct Debit being set up", words: () => "GoCardless reported a Direct Debit mandate as being set up" },
  "dd.mandate_pending_submission": { label: "Direct Debit to be submitted", words: () => "GoCardless reported a Direct Debit mandate as waiting to go to the bank" },
  "dd.mandate_submitted": { label: "Direct Debit submitted", words: () => "GoCardless sent a Direct Debit mandate to the payer's bank" },
  "dd.mandate_active": { label: "Direct Debit active", words: () => "GoCardless reported a Direct Debit mandate as active: collections can be taken" },
  "dd.mandate_failed": { label: "Direct Debit mandate failed", words: (w) => `GoCardless reported a Direct Debit mandate as failed${because(w.a.cause)}` },
  "dd.mandate_expired": { label: "Direct Debit mandate expired", words: (w) => `GoCardless reported a Direct Debit mandate as expired${because(w.a.cause)}` },
  "dd.collection_failed": { label: "Direct Debit collection failed", words: (w) => `A Direct Debit collection on ${w.subject("a loan")} failed${w.a.reversalId ? "; the repayment it recorded was reversed" : ""}${because(w.a.cause)}` },
  "dd.collection_charged_back": { label: "Direct Debit charged back", words: (w) => `A Direct Debit collection on ${w.subject("a loan")} was charged back by the payer's bank${w.a.reversalId ? "; the repayment was reversed" : ""}${because(w.a.cause)}` },
  "dd.collection_cancelled": { label: "Direct Debit collection cancelled", words: (w) => `A Direct Debit collection on ${w.subject("a loan")} was cancelled${because(w.a.cause)}` },
  "books.chart_mapped": { label: "Chart of accounts mapped", words: (w) => `${w.who} mapped ${count(Array.isArray(w.facts.after) ? w.facts.after.length : 0, "account")} of the chart of accounts to the bookkeeping package’s codes` },
  "books.exported": {
    label: "Journal exported",
    words: (w) => `${w.who} exported the journal from ${w.day(w.a.from)} to ${w.day(w.a.to)} (${count(w.a.lines, "line")}, ${str(w.a.format, "?")}) and locked the books to ${w.day(w.a.lockedThrough)}`,
  },

  // Organisation and users
  "organisation.settings_changed": { label: "Organisation settings changed", words: (w) => `${w.who} changed the organisation’s settings${changed(w.b, w.a)}` },
  "user.invited": { label: "User invited", words: (w) => `${w.who} invited ${str(w.a.email, "someone")} as ${roleList(w.a.roles)}` },
  "user.roles_changed": { label: "Roles changed", words: (w) => `${w.who} changed the roles of ${w.subject("a user")} from ${roleList(w.facts.before)} to ${roleList(w.facts.after)}` },
  "user.roles_change_refused": { label: "Roles change refused", words: (w) => `${w.who} tried to give ${w.subject("a user")} the roles ${roleList(w.a.requested)}, which was refused${because(w.a.reason)}` },
} as const satisfies Record<string, { label: string; words: Sentence }>;

export type AuditKind = keyof typeof AUDIT_WORDS;
export const AUDIT_KINDS = Object.keys(AUDIT_WORDS) as AuditKind[];

export function isAuditKind(action: string): action is AuditKind {
  return Object.hasOwn(AUDIT_WORDS, action);
}

/** The kind's short label ("Share purchase"); an unknown kind (an old event) shows as recorded. */
export function auditKindLabel(action: string): string {
  return isAuditKind(action) ? AUDIT_WORDS[action].label : action;
}

/** One event as a sentence, ending with a full stop. */
export function describeAuditEvent(facts: AuditFacts, names: AuditNames, currency: string | MoneyStyle): string {
  const w = new Words(facts, names, currency);
  const sentence = isAuditKind(facts.action) ? AUDIT_WORDS[facts.action].words(w) : `${w.who} recorded “${facts.action}” on ${facts.entityType.replace(/_/g, " ")} ${facts.entityId.slice(0, 8)}`;
  return `${sentence.replace(/\s+/g, " ").trim()}.`;
}

/** Member ids an event refers to, so the model can look up their numbers and names. */
export function memberIdsOf(facts: AuditFacts): string[] {
  const a = asBag(facts.after);
  const ids = [a.memberId, a.fromMemberId, a.toMemberId, a.appointer, a.holder];
  if (facts.entityType === "member") ids.push(facts.entityId);
  return ids.filter((v): v is string => typeof v === "string" && /^[0-9a-f-]{36}$/i.test(v));
}

/** Other records (by table) an event refers to, for the model to name. */
export function thingIdsOf(facts: AuditFacts): { table: "loan" | "loan_application" | "meeting" | "motion" | "share_class" | "bank_account" | "user"; id: string }[] {
  const a = asBag(facts.after);
  const out: ReturnType<typeof thingIdsOf> = [];
  const uuid = (v: unknown): v is string => typeof v === "string" && /^[0-9a-f-]{36}$/i.test(v);
  const tables = ["loan", "loan_application", "meeting", "motion", "share_class", "bank_account", "user"] as const;
  const t = tables.find((x) => x === facts.entityType);
  if (t && uuid(facts.entityId)) out.push({ table: t, id: facts.entityId });
  if (uuid(a.meetingId)) out.push({ table: "meeting", id: a.meetingId });
  if (uuid(a.motionId)) out.push({ table: "motion", id: a.motionId });
  return out;
}

/** The raw fields of an event for the "details" disclosure: one line per field, money left as recorded. */
export function auditDetailLines(value: unknown, prefix = ""): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== "object") return [`${prefix || "value"}: ${String(value)}`];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Bag);
  return entries.flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return v !== null && typeof v === "object" ? auditDetailLines(v, key) : [`${key}: ${v === null ? "—" : String(v)}`];
  });
}
