/**
 * Idempotent money forms (issue #12, point 2): every money form carries the
 * one-time key its page rendered. Posting the same form twice (a double
 * click) or ten times at once writes the ledger once, and every response
 * shows the first result; a refused post leaves the key free for the
 * corrected one; a key is refused for another form, another user or other
 * values. On PGlite the ten posts run one after another; under
 * `npm run test:pg` they race for real.
 */
import { sql, type Transaction } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createInterestPreview, approveInterestRun } from "~/models/shares/interest-runs.server";
import { castCommitteeVote } from "../../app/models/lending/committee.server";
import { createApplication, stepApplication } from "../../app/models/lending/applications.server";
import { recordRepayment } from "~/models/lending/loans.server";
import { submitApplication } from "~/models/shares/share-applications.server";
import { requestTransfer } from "~/models/shares/transfers.server";
import { requestWithdrawal } from "~/models/shares/withdrawals.server";
import { decideWriteOff, proposeWriteOff } from "~/models/lending/write-offs.server";
import { createShareClass, recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { ShareClassSchema } from "~/schemas/shares";
import { CONFIRMATION_MISSING } from "~/schemas/common";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import type { DB } from "../../db/schema";
import { simultaneously } from "../concurrency";
import { makeLoan } from "../fixtures/lending";
import { Browser } from "../http";
import { stripeTestBed } from "../stripe-fake";

const bed = stripeTestBed("whsec_idempotent_forms", "cs_idem_");
const TODAY = "2026-11-01"; // a business date every scenario allows (after the pay-outs, not in the future)

type Org = Awaited<ReturnType<typeof makeOrganisation>>;
let org: Org;
const as: Record<"officer" | "ann" | "bob" | "secretary", Browser> = {} as never;
const ids: Record<"officer" | "ann" | "bob" | "secretary" | "committee", string> = {} as never;

beforeAll(async () => {
  org = await makeOrganisation(bed.db, { legalForm: "community-bank" });
  const roles = { officer: "loan_officer", ann: "board", bob: "board", secretary: "secretary", committee: "credit_committee" } as const;
  for (const [who, role] of Object.entries(roles) as [keyof typeof roles, (typeof roles)[keyof typeof roles]][]) {
    const user = await makeUser(bed.db, { organisationId: org.id, roles: [role], name: `Idem ${who}` });
    ids[who] = user.id;
    if (who !== "committee") {
      as[who] = new Browser(bed.server.base);
      await as[who].login(user.email, user.password);
    }
  }
});

const trx = <T,>(work: (t: Transaction<DB>) => Promise<T>) => bed.db.transaction().execute(work);
const count = async (query: ReturnType<typeof sql<{ n: string }>>) => Number((await query.execute(bed.db)).rows[0].n);
const loanRows = (loanId: string, kind: string) => () => count(sql<{ n: string }>`select count(*) as n from loan_transactions where loan_id = ${loanId} and kind = ${kind}`);
const shareRows = (memberId: string, kind: string) => () => count(sql<{ n: string }>`select count(*) as n from share_transactions where member_id = ${memberId} and kind = ${kind}`);

let classCounter = 0;
async function shareClass(over: Record<string, string> = {}) {
  const input = ShareClassSchema.parse({ name: `Idem Shares ${++classCounter}`, parValue: "1.00", minHolding: "1", maxHolding: "100000.00", withdrawable: "on", transferable: "on", noticeDays: "90", interestRate: "3", voting: "one-member-one-vote", ...over });
  return trx((t) => createShareClass(t, ids.secretary, org.id, input));
}
async function memberWithShares(classId: string, shares: number, on = "2025-01-02") {
  const m = await makeMember(bed.db, org.id, { name: `Holder ${Math.random().toString(36).slice(2, 7)}`, on: "2025-01-01" });
  const r = await trx((t) => recordPurchase(t, { organisationId: org.id, actorUserId: ids.secretary, memberId: m.id, classId, shares, on, method: "cash" }));
  if (!r.ok) throw new Error(r.reason);
  return m;
}
async function browserFor(memberId: string) {
  const user = await makeUser(bed.db, { organisationId: org.id, roles: ["member"], memberId });
  const b = new Browser(bed.server.base);
  await b.login(user.email, user.password);
  return b;
}

/** One money form, made ready afresh for each run: who posts, the page that renders the key, where it posts, what, and its ledger rows. */
interface Scenario {
  b: Browser;
  page: string;
  action: string;
  body: Record<string, string>;
  written(): Promise<number>;
  /** The first result as the user sees it: a redirect's target, or the message on the page. */
  first: RegExp;
}

const CASES: [string, () => Promise<Scenario>][] = [
  ["loan repayment", async () => {
    const { loan } = await makeLoan(bed.db, org.id);
    return { b: as.officer, page: `/loans/${loan.id}`, action: `/loans/${loan.id}?index`, body: { intent: "repayment", amount: "10", onDate: TODAY, method: "bank", order: "fees,interest,principal", reschedule: "shorter-term" }, written: loanRows(loan.id, "repayment"), first: /Repayment recorded\./ };
  }],
  ["loan reversal", async () => {
    const { loan } = await makeLoan(bed.db, org.id);
    const paid = await trx(async (t) => recordRepayment(t, ids.officer, org.id, loan.id, { amount: 1000n, onDate: "2026-02-01", method: "bank" }, TODAY));
    return { b: as.officer, page: `/loans/${loan.id}`, action: `/loans/${loan.id}?index`, body: { intent: "reversal", transactionId: String(paid.transactionId), onDate: TODAY, note: "Paid into the wrong account", confirmed: "yes" }, written: loanRows(loan.id, "reversal"), first: /Repayment reversed\./ };
  }],
  ["loan recovery", async () => {
    const { loan } = await makeLoan(bed.db, org.id);
    await trx(async (t) => proposeWriteOff(t, ids.ann, org.id, loan.id, { onDate: "2026-10-01", note: "Minute 1" }, TODAY));
    const proposal = await bed.db.selectFrom("loan_write_off_proposals").select("id").where("loan_id", "=", loan.id).executeTakeFirstOrThrow();
    await trx(async (t) => decideWriteOff(t, ids.bob, org.id, loan.id, { proposalId: proposal.id, decision: "approve", note: "" }, TODAY));
    return { b: as.officer, page: `/loans/${loan.id}`, action: `/loans/${loan.id}?index`, body: { intent: "recovery", amount: "10", onDate: TODAY, note: "" }, written: loanRows(loan.id, "recovery"), first: /Recovery recorded\./ };
  }],
  ["write-off proposal", async () => {
    const { loan } = await makeLoan(bed.db, org.id);
    const written = () => count(sql<{ n: string }>`select count(*) as n from loan_write_off_proposals where loan_id = ${loan.id}`);
    return { b: as.ann, page: `/loans/${loan.id}/write-off`, action: `/loans/${loan.id}/write-off`, body: { intent: "propose", onDate: "2026-10-01", note: "Board minute 2026/70" }, written, first: new RegExp(`^redirect /loans/${loan.id}/write-off$`) };
  }],
  ["write-off approval", async () => {
    const { loan } = await makeLoan(bed.db, org.id);
    await trx(async (t) => proposeWriteOff(t, ids.ann, org.id, loan.id, { onDate: "2026-10-01", note: "Minute 2" }, TODAY));
    const proposal = await bed.db.selectFrom("loan_write_off_proposals").select("id").where("loan_id", "=", loan.id).executeTakeFirstOrThrow();
    return { b: as.bob, page: `/loans/${loan.id}/write-off`, action: `/loans/${loan.id}/write-off`, body: { intent: "approve", proposalId: proposal.id, note: "", confirmed: "yes" }, written: loanRows(loan.id, "write_off"), first: new RegExp(`^redirect /loans/${loan.id}$`) };
  }],
  ["disbursement", async () => {
    const { product, borrower } = await makeLoan(bed.db, org.id);
    const app = await createApplication(bed.db, ids.officer, org.id, { borrowerId: borrower.id, productId: product.id, amount: "5000", termPeriods: 12, annualRate: "12", purpose: "A van" }, TODAY);
    const step = (s: Parameters<typeof stepApplication>[4]) => stepApplication(bed.db, ids.officer, org.id, app.id, s, TODAY);
    await step({ intent: "submit" });
    await step({ intent: "review", officerNotes: "Accounts seen." });
    await step({ intent: "refer" });
    expect((await castCommitteeVote(bed.db, ids.committee, org.id, app.id, { vote: "approve", comment: "Sound" }, new Date("2026-10-30T12:00:00Z"))).status).toBe("approved"); // approved before the pay-out date
    await step({ intent: "offer" });
    await step({ intent: "accept" });
    const written = () => count(sql<{ n: string }>`select count(*) as n from loans where application_id = ${app.id}`);
    return { b: as.officer, page: `/applications/${app.id}`, action: `/applications/${app.id}?index`, body: { intent: "disburse", disbursedOn: TODAY }, written, first: /^redirect \/loans\/[0-9a-f-]{36}$/ };
  }],
  ["share purchase recorded by the secretary", async () => {
    const cls = await shareClass();
    const m = await memberWithShares(cls.id, 5);
    return { b: as.secretary, page: "/shares/purchase", action: "/shares/purchase", body: { memberNumber: String(m.member_number), classId: cls.id, shares: "10", method: "bank_transfer", paidOn: TODAY, reference: "BACS 1" }, written: shareRows(m.id, "purchase"), first: new RegExp(`^redirect /shares/members/${m.id}\\?recorded=1$`) };
  }],
  ["admission of an application", async () => {
    const cls = await shareClass();
    const applied = await trx((t) => submitApplication(t, { ...org, local_area: ["PR1"] }, { kind: "person", name: "Ada Applicant", email: `ada${++classCounter}@example.org`, phone: null, address: "1 Fishergate", postcode: "PR1 2AB", classId: cls.id, shares: 10, declarations: ["rules", "age", "risk"] }, "2026-10-01"));
    if (!applied.ok) throw new Error(applied.reason);
    const written = () => count(sql<{ n: string }>`select count(*) as n from share_transactions t join share_applications a on a.member_id = t.member_id where a.id = ${applied.applicationId}`);
    return { b: as.secretary, page: "/shares/applications", action: "/shares/applications", body: { decision: "admit", applicationId: applied.applicationId, on: TODAY }, written, first: /Admitted as member no\. \d+; certificate no\. \d+ issued\./ };
  }],
  ["paying due withdrawals", async () => {
    const cls = await shareClass({ noticeDays: "30" });
    const m = await memberWithShares(cls.id, 50);
    const asked = await trx((t) => requestWithdrawal(t, { organisationId: org.id, actorUserId: ids.secretary, memberId: m.id, classId: cls.id, shares: 20, leaving: false, on: "2026-06-01" }));
    if (!asked.ok) throw new Error(asked.reason);
    // Other scenarios' withdrawals are paid by the same button; only this member's count.
    return { b: as.secretary, page: "/shares/withdrawals", action: "/shares/withdrawals", body: { paidOn: TODAY }, written: shareRows(m.id, "withdrawal"), first: /Paid \d+ withdrawals? in order of notice\./ };
  }],
  ["member's notice of withdrawal", async () => {
    const cls = await shareClass();
    const m = await memberWithShares(cls.id, 50);
    const written = () => count(sql<{ n: string }>`select count(*) as n from withdrawal_requests where member_id = ${m.id}`);
    return { b: await browserFor(m.id), page: "/my/withdraw", action: "/my/withdraw", body: { classId: cls.id, shares: "5" }, written, first: /^redirect \/my\?notice=1$/ };
  }],
  ["transfer recorded by the secretary", async () => {
    const cls = await shareClass();
    const [from, to] = [await memberWithShares(cls.id, 50), await memberWithShares(cls.id, 5)];
    const written = () => count(sql<{ n: string }>`select count(*) as n from share_transfers where from_member_id = ${from.id}`);
    return { b: as.secretary, page: "/shares/transfers", action: "/shares/transfers", body: { classId: cls.id, fromMemberNumber: String(from.member_number), toMemberNumber: String(to.member_number), shares: "5" }, written, first: /Transfer recorded; it takes effect when the board approves it\./ };
  }],
  ["board's approval of a transfer", async () => {
    const cls = await shareClass();
    const [from, to] = [await memberWithShares(cls.id, 50), await memberWithShares(cls.id, 5)];
    const asked = await trx((t) => requestTransfer(t, ids.secretary, org.id, { classId: cls.id, fromMemberId: from.id, toMemberId: to.id, shares: 5, on: "2026-10-01" }));
    if (!asked.ok) throw new Error(asked.reason);
    return { b: as.ann, page: "/shares/transfers", action: "/shares/transfers/decide", body: { transferId: asked.id, decision: "approve", on: TODAY, note: "Minute 3" }, written: shareRows(from.id, "transfer_out"), first: /^redirect \/shares\/transfers$/ };
  }],
  ["member's transfer", async () => {
    const cls = await shareClass();
    const [from, to] = [await memberWithShares(cls.id, 50), await memberWithShares(cls.id, 5)];
    const written = () => count(sql<{ n: string }>`select count(*) as n from share_transfers where from_member_id = ${from.id}`);
    return { b: await browserFor(from.id), page: "/my/transfer", action: "/my/transfer", body: { classId: cls.id, shares: "5", toMemberNumber: String(to.member_number), toName: to.name }, written, first: /^redirect \/my\?transfer=1$/ };
  }],
  ["interest run posting", async () => {
    const cls = await shareClass();
    const m = await memberWithShares(cls.id, 1000, "2025-01-02");
    const run = await trx((t) => createInterestPreview(t, ids.secretary, org.id, { classId: cls.id, from: "2025-01-01", to: "2025-12-31", rate: 300, payAs: "shares", rounding: "down" }));
    if (!run.ok) throw new Error(run.reason);
    await trx((t) => approveInterestRun(t, ids.ann, org.id, run.runId));
    return { b: as.secretary, page: `/shares/interest/${run.runId}`, action: `/shares/interest/${run.runId}/post`, body: { on: TODAY, confirmed: "yes" }, written: shareRows(m.id, "interest_shares"), first: new RegExp(`^redirect /shares/interest/${run.runId}$`) };
  }],
  ["card purchase of shares", async () => {
    const cls = await shareClass();
    const m = await memberWithShares(cls.id, 5);
    const written = () => count(sql<{ n: string }>`select count(*) as n from payments where member_id = ${m.id} and method = 'card'`);
    return { b: await browserFor(m.id), page: "/my/buy", action: "/my/buy", body: { classId: cls.id, shares: "15" }, written, first: /^redirect https:\/\/checkout\.stripe\.test\/pay\/cs_idem_/ };
  }],
  ["card repayment of a loan", async () => {
    const m = await makeMember(bed.db, org.id, { name: "Borrowing Member" });
    const { loan } = await makeLoan(bed.db, org.id, { borrower: { legalName: `Card Borrower ${++classCounter} Ltd`, memberNumber: m.member_number } });
    const written = () => count(sql<{ n: string }>`select count(*) as n from loan_card_payments where loan_id = ${loan.id}`);
    return { b: await browserFor(m.id), page: "/my/loans", action: "/my/loans", body: { loanId: loan.id, amount: "10.00" }, written, first: /^redirect https:\/\/checkout\.stripe\.test\/pay\/cs_idem_/ };
  }],
];

/** What the user is shown: where a redirect goes, or the status and the first result's message on the page. */
async function shown(res: Response, first: RegExp): Promise<string> {
  const location = res.headers.get("location");
  if (res.status >= 300 && res.status < 400 && location) return `redirect ${location}`;
  const body = await res.text();
  return `${res.status} ${first.exec(body)?.[0] ?? body.slice(0, 300)}`;
}

describe.each(CASES)("the %s form", (_name, prepare) => {
  it("records a double click once, and both posts show the first result", async () => {
    const s = await prepare();
    const key = await s.b.formKey(s.page);
    const before = await s.written();
    const one = await shown(await s.b.post(s.action, { ...s.body, submissionKey: key }), s.first);
    const two = await shown(await s.b.post(s.action, { ...s.body, submissionKey: key }), s.first);
    expect(one).toMatch(s.first.source.startsWith("^") ? s.first : new RegExp(`^200 ${s.first.source}`));
    expect(two).toBe(one);
    expect((await s.written()) - before).toBe(1);
  });

  it("records ten identical posts at once once, and every one shows the first result", async () => {
    const s = await prepare();
    const key = await s.b.formKey(s.page);
    const before = await s.written();
    const seen = await simultaneously(10, () => s.b.post(s.action, { ...s.body, submissionKey: key }).then((r) => shown(r, s.first)));
    expect(seen[0]).toMatch(s.first.source.startsWith("^") ? s.first : new RegExp(`^200 ${s.first.source}`));
    expect(new Set(seen)).toEqual(new Set([seen[0]]));
    expect((await s.written()) - before).toBe(1);
  });
});

/** Irreversible: the server refuses them without the confirmation the dialog (or the ticked box) adds. */
const IRREVERSIBLE = new Set(["loan reversal", "write-off approval", "interest run posting"]);
describe.each(CASES.filter(([name]) => IRREVERSIBLE.has(name)))("the %s form, irreversible", (_name, prepare) => {
  it("is refused without the confirmation, writing nothing, and recorded with it", async () => {
    const s = await prepare();
    const key = await s.b.formKey(s.page);
    const before = await s.written();
    const { confirmed: _, ...unconfirmed } = s.body as Record<string, string>;
    const refused = await s.b.post(s.action, { ...unconfirmed, submissionKey: key });
    expect(refused.status).toBeGreaterThanOrEqual(200);
    expect(refused.headers.get("location")).toBeNull();
    expect(await refused.text()).toContain(CONFIRMATION_MISSING);
    expect(await s.written()).toBe(before);
    // The refusal leaves the key free: the confirmed post from the same page is recorded.
    await s.b.post(s.action, { ...s.body, submissionKey: key });
    expect((await s.written()) - before).toBe(1);
  });
});

describe("a refused post and the key", () => {
  it("leaves the key free after a thrown refusal, so the corrected repayment from the same page is recorded", async () => {
    const { loan } = await makeLoan(bed.db, org.id);
    const key = await as.officer.formKey(`/loans/${loan.id}`);
    const form = { intent: "repayment", amount: "10", method: "bank", order: "fees,interest,principal", reschedule: "shorter-term", submissionKey: key };
    const refused = await as.officer.post(`/loans/${loan.id}?index`, { ...form, onDate: "2025-01-01" });
    expect(await refused.text()).toContain("before the loan was paid out");
    const corrected = await as.officer.post(`/loans/${loan.id}?index`, { ...form, onDate: TODAY });
    expect(await corrected.text()).toContain("Repayment recorded.");
    expect(await loanRows(loan.id, "repayment")()).toBe(1);
  });

  it("leaves the key free after a returned refusal, so the corrected purchase from the same page is recorded", async () => {
    const cls = await shareClass({ maxHolding: "100.00" });
    const m = await memberWithShares(cls.id, 5);
    const key = await as.secretary.formKey("/shares/purchase");
    const form = { memberNumber: String(m.member_number), classId: cls.id, method: "bank_transfer", paidOn: TODAY, reference: "BACS 2", submissionKey: key };
    const refused = await as.secretary.post("/shares/purchase", { ...form, shares: "500" });
    expect(refused.status).toBe(200);
    expect(await shareRows(m.id, "purchase")()).toBe(1);
    const corrected = await as.secretary.post("/shares/purchase", { ...form, shares: "10" });
    expect(corrected.headers.get("location")).toBe(`/shares/members/${m.id}?recorded=1`);
    expect(await shareRows(m.id, "purchase")()).toBe(2);
  });
});

describe("a key used before", () => {
  it("is refused for another form, another user or other values, writing nothing", async () => {
    const { loan } = await makeLoan(bed.db, org.id);
    const key = await as.officer.formKey(`/loans/${loan.id}`);
    const repayment = { intent: "repayment", amount: "10", onDate: TODAY, method: "bank", order: "fees,interest,principal", reschedule: "shorter-term", submissionKey: key };
    expect(await (await as.officer.post(`/loans/${loan.id}?index`, repayment)).text()).toContain("Repayment recorded.");
    const other = await makeLoan(bed.db, org.id);
    const tries = [
      await as.officer.post(`/loans/${loan.id}?index`, { intent: "recovery", amount: "10", onDate: TODAY, note: "", submissionKey: key }), // another form
      await as.officer.post(`/loans/${other.loan.id}?index`, repayment), // the same form, another loan
      await as.officer.post(`/loans/${loan.id}?index`, { ...repayment, amount: "20" }), // other values
    ];
    const colleague = await makeUser(bed.db, { organisationId: org.id, roles: ["loan_officer"] });
    const b = new Browser(bed.server.base);
    await b.login(colleague.email, colleague.password);
    tries.push(await b.post(`/loans/${loan.id}?index`, repayment)); // another user
    for (const res of tries) {
      expect(res.status).toBe(409);
      expect(await res.text()).toContain("This form was already used; reload the page");
    }
    expect(await loanRows(loan.id, "repayment")()).toBe(1);
    expect(await loanRows(other.loan.id, "repayment")()).toBe(0);
  });

  it("is never needed twice: each page load renders a new key, and a post without one is refused", async () => {
    const { loan } = await makeLoan(bed.db, org.id);
    const [a, b] = [await as.officer.formKey(`/loans/${loan.id}`), await as.officer.formKey(`/loans/${loan.id}`)];
    expect(a).not.toBe(b);
    const res = await as.officer.post(`/loans/${loan.id}?index`, { intent: "repayment", amount: "10", onDate: TODAY, method: "bank", submissionKey: "" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("This form is out of date: reload the page and try again.");
    expect(await loanRows(loan.id, "repayment")()).toBe(0);
  });

  it("keeps the first outcome in the organisation's table, and no row for a refused post", async () => {
    const { loan } = await makeLoan(bed.db, org.id);
    const [done, thrown] = [await as.officer.formKey(`/loans/${loan.id}`), await as.officer.formKey(`/loans/${loan.id}`)];
    const repayment = { intent: "repayment", amount: "10", method: "bank", order: "fees,interest,principal", reschedule: "shorter-term" };
    await as.officer.post(`/loans/${loan.id}?index`, { ...repayment, onDate: TODAY, submissionKey: done });
    await as.officer.post(`/loans/${loan.id}?index`, { ...repayment, onDate: "2025-01-01", submissionKey: thrown });
    const cls = await shareClass({ maxHolding: "100.00" });
    const m = await memberWithShares(cls.id, 5);
    const returned = await as.secretary.formKey("/shares/purchase");
    await as.secretary.post("/shares/purchase", { memberNumber: String(m.member_number), classId: cls.id, shares: "500", method: "bank_transfer", paidOn: TODAY, reference: "BACS 3", submissionKey: returned });
    const rows = await bed.db.selectFrom("form_submissions").select(["key", "form", "user_id", "outcome"]).where("organisation_id", "=", org.id).where("key", "in", [done, thrown, returned]).execute();
    expect(rows).toEqual([{ key: done, form: `loans/${loan.id}/repayment`, user_id: ids.officer, outcome: "Repayment recorded." }]);
  });
});
