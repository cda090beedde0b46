import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_KINDS, auditDetailLines, auditKindLabel, describeAuditEvent, memberIdsOf, toMinor, type AuditFacts, type AuditNames } from "./audit-words";

const MEMBER = "11111111-1111-4111-8111-111111111111";
const LOAN = "22222222-2222-4222-8222-222222222222";
const names: AuditNames = {
  members: new Map([[MEMBER, { number: 45, name: "Priya Patel" }]]),
  things: new Map([[LOAN, "the loan to Ribble Bakers"]]),
};
const facts = (over: Partial<AuditFacts>): AuditFacts => ({ action: "member.created", actorName: "Ann Patel", entityType: "member", entityId: MEMBER, before: null, after: {}, ...over });

/** Every before/after field any kind reads, filled, so each sentence is written in full. */
const FULL = {
  memberId: MEMBER, fromMemberId: MEMBER, toMemberId: MEMBER, appointer: MEMBER, holder: "chair", amount: "1000", total: "250000", principal: "500000",
  shares: 10, bought: 10, paid: 3, members: 12, lines: 7, title: "AGM 2026", name: "Bakery", legal_name: "Ribble Bakers Ltd", filename: "spend.csv",
  heldOn: "2026-06-01", on: "2026-03-01", onDate: "2026-03-01", paidOn: "2026-03-01", status: "admitted", reason: "Asked to", note: "See minutes",
  email: "new@example.org", roles: ["secretary"], requested: ["owner"], eligible: 40, seats: 3, candidates: 5, papers: 30, from: "2026-01-01", to: "2026-03-31",
  lm3: "1.84", periodFrom: "2026-01-01", periodTo: "2026-03-31", linesNew: 5, linesExisting: 1, firstDate: "2026-01-02", lastDate: "2026-01-30", format: "xero",
  lockedThrough: "2026-03-31", installments: 12, recipients: 40, vote: "approve", fromOn: "2026-04-01", number: 7,
};

describe("describeAuditEvent", () => {
  it("says the brief's example in plain words, money in pounds", () => {
    const e = facts({ action: "share.purchase_recorded", entityType: "share_transaction", entityId: "9", before: { shares: 0 }, after: { memberId: MEMBER, classId: "c", shares: 10, bought: 10, amount: "1000", method: "cash", on: "2026-03-01" } });
    expect(describeAuditEvent(e, names, "GBP")).toBe("Ann Patel recorded a share purchase of 10 shares (£10.00) for Member M00045 (Priya Patel) on 1 March 2026.");
  });

  it("shows money in the organisation's currency, never pence", () => {
    const e = facts({ action: "loan.repayment_recorded", entityType: "loan", entityId: LOAN, after: { amount: "123456", onDate: "2026-05-01", closed: true } });
    expect(describeAuditEvent(e, names, "EUR")).toBe("Ann Patel recorded a repayment of €1,234.56 on the loan to Ribble Bakers on 1 May 2026, which repaid it in full.");
  });

  it("writes the days in the organisation's locale, as its money", () => {
    const e = facts({ action: "loan.repayment_recorded", entityType: "loan", entityId: LOAN, after: { amount: "123456", onDate: "2026-05-01", closed: false } });
    expect(describeAuditEvent(e, names, { currency: "EUR", locale: "de-DE" })).toBe("Ann Patel recorded a repayment of 1.234,56 € on the loan to Ribble Bakers on 1. Mai 2026.");
  });

  it("names the system when no one did it", () => {
    const e = facts({ action: "share.card_payment_failed", actorName: null, entityType: "payment", entityId: "x", after: { status: "unpaid" } });
    expect(describeAuditEvent(e, names, "GBP")).toBe("The card payment provider reported a card payment for shares as not paid.");
  });

  it("says which details of a member changed", () => {
    const e = facts({ action: "member.updated", before: { name: "Priya Patel", email: "a@x" }, after: { name: "Priya Patel", email: "b@x" } });
    expect(describeAuditEvent(e, names, "GBP")).toBe("Ann Patel changed the details of Member M00045 (Priya Patel) (email).");
  });

  it("puts role codes in words", () => {
    const e = facts({ action: "user.roles_changed", entityType: "user", entityId: "u", before: ["member"], after: ["member", "secretary"] });
    expect(describeAuditEvent(e, names, "GBP")).toBe("Ann Patel changed the roles of a user from Member to Member, Secretary.");
  });

  it("still says something for a kind no longer recorded", () => {
    expect(describeAuditEvent(facts({ action: "old.kind", entityType: "thing", entityId: "abcdef123456" }), names, "GBP")).toBe("Ann Patel recorded “old.kind” on thing abcdef12.");
  });

  // One test per kind, from the one list: a kind added without words fails to compile, and its words are checked here.
  it.each(AUDIT_KINDS)("has plain words for %s", (kind) => {
    const sentence = describeAuditEvent(facts({ action: kind, entityType: "loan", entityId: LOAN, before: { ...FULL }, after: { ...FULL } }), names, "GBP");
    expect(sentence).toMatch(/^[A-Z].*\.$/);
    expect(sentence).not.toContain(kind);
    expect(sentence).not.toMatch(/undefined|null|\[object|[{}]|NaN/);
    // Money reads as money: the raw pence of FULL never show.
    expect(sentence).not.toMatch(/\b(1000|250000|500000)\b/);
    expect(auditKindLabel(kind)).not.toBe(kind);
    const bare = describeAuditEvent(facts({ action: kind, actorName: null, entityType: "x", entityId: "y", before: null, after: null }), names, "GBP");
    expect(bare).not.toMatch(/undefined|null|\[object|[{}]|NaN/);
  });
});

describe("the kinds the code records", () => {
  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) && !f.endsWith(".test.ts") ? [p] : [];
    });
  }
  it("are all in the list with words (literal kinds, and the stems of kinds built from a variable)", () => {
    const root = join(__dirname, "..");
    const recorded = new Set<string>();
    for (const file of sources(root)) {
      const text = readFileSync(file, "utf8");
      if (!text.includes("recordAudit(")) continue;
      // Every kind named in each `action: ...` (both sides of a conditional; a template's fixed stem).
      for (const [, expr] of text.matchAll(/action:\s*([^\n]*?),\s*entityType/g)) for (const m of expr.matchAll(/["`]([a-z_]+\.[a-z_]*)/g)) recorded.add(m[1]);
    }
    expect(recorded.size).toBeGreaterThan(60);
    for (const kind of recorded) expect(AUDIT_KINDS.some((k) => k === kind || (kind.endsWith("_") || kind.endsWith(".") ? k.startsWith(kind) : false)), kind).toBe(true);
  });
});

describe("helpers", () => {
  it("reads amounts as recorded: pence as digits, or pounds as typed", () => {
    expect([toMinor("1000"), toMinor(250), toMinor("50.00"), toMinor(12n), toMinor("lots")]).toEqual([1000n, 250n, 5000n, 12n, null]);
  });
  it("finds the members an event refers to", () => {
    expect(memberIdsOf(facts({ action: "proxy.appointed", entityType: "proxy_appointment", entityId: "p", after: { appointer: MEMBER, holder: "chair" } }))).toEqual([MEMBER]);
  });
  it("lists raw fields for the details disclosure", () => {
    expect(auditDetailLines({ amount: "1000", rules: { a: 1 }, roles: ["x"] })).toEqual(["amount: 1000", "rules.a: 1", "roles.0: x"]);
  });
});
