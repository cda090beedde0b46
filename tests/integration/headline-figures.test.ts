/**
 * One source for each headline figure (ADR 0010): an organisation with
 * members in every status, share capital and loans in arrears; the
 * dashboard, the lending page, the impact dashboard, the members' impact
 * page, the annual return (for the year to today) and the public page,
 * fetched over HTTP on the same date, show the same principal outstanding,
 * loan count, PAR, members and share capital, and those are the figures
 * worked out by hand from what was seeded.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { fromDay, toDay } from "~/domain/calendar";
import { displayMoney } from "~/domain/money";
import { percentText } from "~/domain/percent";
import { datedAfter, membersByStatus, portfolioHeadline, shareCapital } from "~/models/core/headline-figures.server";
import { getLoan, loanInstallments, payoffAmount, portfolioArrears, recordRecovery, recordRepayment, reversePayout, reverseRepayment, writeOffLoan } from "~/models/lending/loans.server";
import { changeMemberStatus } from "~/models/shares/members.server";
import { organisationToday } from "~/models/core/organisations.server";
import { saveImpactSettings } from "~/models/impact/procurement.server";
import { createShareClass, recordPurchase, reverseTransaction } from "~/models/shares/share-classes-and-holdings.server";
import { ShareClassSchema } from "~/schemas/shares";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { appTestBed, Browser } from "../http";
import { makeLoan, payInstallments } from "../fixtures/lending";
import { setupClass } from "../fixtures/shares";
import { simultaneously } from "../concurrency";
import { displayLongDate } from "~/domain/locale";

const t = appTestBed();

/** The figures a page marks with data-figure (Stat tiles and annual return rows), by name. */
function figuresOf(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/data-figure="([a-z0-9]+)"><div class="label">[^<]*<\/div><div class="value">([^<]*)<\/div>/g)) out[m[1]] = m[2];
  for (const m of html.matchAll(/<tr data-figure="([a-z0-9]+)"><th scope="row">[^<]*<\/th><td class="num">([^<]*)<\/td><\/tr>/g)) out[m[1]] = m[2];
  return out;
}

describe("headline figures", () => {
  it("read the same on every page for the same date, and are the figures worked out by hand", async () => {
    const { db } = t;
    const { org, cls } = await setupClass(db);
    const today = await organisationToday(db, org.id);
    const daysAgo = (n: number) => fromDay(toDay(today) - n);

    // Members: 6 admitted, then 2 suspended and 1 ceased; two applications waiting.
    const admitted: Awaited<ReturnType<typeof makeMember>>[] = [];
    for (let i = 0; i < 6; i++) admitted.push(await makeMember(db, org.id, { name: `Member ${i}`, on: "2025-01-15" }));
    await changeMemberStatus(db, null, org.id, admitted[0].id, { status: "suspended", effectiveOn: "2025-06-01" });
    await changeMemberStatus(db, null, org.id, admitted[1].id, { status: "suspended", effectiveOn: "2025-06-01" });
    await changeMemberStatus(db, null, org.id, admitted[2].id, { status: "ceased", effectiveOn: "2025-07-01" });
    await makeMember(db, org.id, { name: "Applicant A", status: "applied", on: "2025-08-01" });
    await makeMember(db, org.id, { name: "Applicant B", status: "applied", on: "2025-08-01" });
    // On the register: 6 admitted − 1 ceased = 5, of whom 2 suspended.

    // Share capital: 10 + 25 + 40 shares of £1.
    for (const [k, shares] of [[3, 10], [4, 25], [5, 40]] as const) {
      const r = await db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: null, memberId: admitted[k].id, classId: cls.id, shares, on: "2025-09-01", method: "cash" }));
      if (!r.ok) throw new Error(r.reason);
    }

    // Loans: one never repaid (far past due), one 50 days late, one current, one repaid in full (not outstanding).
    const far = await makeLoan(db, org.id, { amount: 1_000_000n, termPeriods: 12, disbursedOn: daysAgo(200) });
    const late = await makeLoan(db, org.id, { amount: 733_333n, termPeriods: 6, disbursedOn: daysAgo(80) });
    const current = await makeLoan(db, org.id, { amount: 1_234_567n, termPeriods: 24, disbursedOn: daysAgo(20) });
    const repaid = await makeLoan(db, org.id, { amount: 100_000n, termPeriods: 3, disbursedOn: daysAgo(10) });
    const state = (await loanInstallments(db, org.id, repaid.loan.id)).map((r) => ({ n: r.n, due: r.due_on, owed: { fees: r.fees, interest: r.interest, principal: r.principal }, paid: { fees: r.paid_fees, interest: r.paid_interest, principal: r.paid_principal } }));
    const paidOff = payoffAmount(state, daysAgo(5));
    await recordRepayment(db, null, org.id, repaid.loan.id, { amount: paidOff, onDate: daysAgo(5), method: "bank" }, today);
    expect((await getLoan(db, org.id, repaid.loan.id))!.status).toBe("closed");
    const owed = async (id: string) => (await loanInstallments(db, org.id, id)).reduce((s, r) => s + r.principal - r.paid_principal, 0n);
    const [owedFar, owedLate, owedCurrent] = [await owed(far.loan.id), await owed(late.loan.id), await owed(current.loan.id)];
    const total = owedFar + owedLate + owedCurrent;

    await saveImpactSettings(db, null, org.id, { widerArea: [], publicPage: true, publicSummary: "" });
    const owner = await makeUser(db, { organisationId: org.id, roles: ["owner"] });
    const member = await makeUser(db, { organisationId: org.id, roles: ["member"], memberId: admitted[3].id });

    const expected = {
      members: "5",
      capital: displayMoney(7_500n),
      outstanding: displayMoney(total),
      loans: "3",
      par30: percentText(owedFar + owedLate, total),
      par60: percentText(owedFar, total),
      par90: percentText(owedFar, total),
    };

    const b = new Browser(t.server.base);
    await b.login(owner.email, owner.password);
    const page = async (browser: Browser, path: string) => {
      const res = await browser.get(path);
      expect(res.status, path).toBe(200);
      return res.text();
    };
    const dashboard = figuresOf(await page(b, "/dashboard"));
    const lending = figuresOf(await page(b, "/loans"));
    const sharesPage = figuresOf(await page(b, "/shares"));
    const impactHtml = await page(b, `/impact?asAt=${today}`);
    const impact = figuresOf(impactHtml);
    const annualHtml = await page(b, `/reports/annual?yearEnd=${today}`);
    const annual = figuresOf(annualHtml);
    const m = new Browser(t.server.base);
    await m.login(member.email, member.password);
    const summary = figuresOf(await page(m, "/impact/summary"));
    const publicPage = figuresOf(await page(new Browser(t.server.base), `/p/${org.slug}`));

    expect(dashboard).toMatchObject({ members: expected.members, suspended: "2", applied: "2", ceased: "1", capital: expected.capital, outstanding: expected.outstanding, loans: expected.loans, par30: expected.par30 });
    expect(sharesPage.capital).toBe(expected.capital);
    expect(lending).toMatchObject({ outstanding: expected.outstanding, loans: expected.loans, par30: expected.par30, par60: expected.par60, par90: expected.par90 });
    for (const [name, figures] of Object.entries({ impact, annual })) {
      expect({ name, ...figures }).toMatchObject({ name, members: expected.members, capital: expected.capital, outstanding: expected.outstanding, loans: expected.loans });
    }
    for (const [name, figures] of Object.entries({ summary, publicPage })) {
      expect({ name, ...figures }).toMatchObject({ name, members: expected.members, capital: expected.capital, outstanding: expected.outstanding });
    }
    // The impact dashboard's local shares are shares of the same totals.
    expect(impactHtml).toContain(` of ${expected.capital}`);
    expect(impactHtml).toContain(` of ${expected.outstanding} outstanding, `);
    // For today the as-at definition agrees with the installments as they stand (what the daily ageing job uses).
    const asTheyStand = await portfolioArrears(db, org.id, today);
    const headline = await portfolioHeadline(db, org.id, today);
    expect([headline.outstanding, headline.par30.atRisk, headline.par90.atRisk]).toEqual([asTheyStand.totalOutstanding, asTheyStand.par30.atRisk, asTheyStand.par90.atRisk]);
    // The year to today has not ended: the annual return says so.
    expect(annualHtml).toContain("has not ended yet");
  });
});

describe("as-at dates", () => {
  it("never show a future date as if it had happened: pages say they show today, exports refuse, an unfinished year says so", async () => {
    const { db } = t;
    const { org } = await setupClass(db);
    const today = await organisationToday(db, org.id);
    const tomorrow = fromDay(toDay(today) + 1);
    const { loan } = await makeLoan(db, org.id, { disbursedOn: fromDay(toDay(today) - 40) });
    const owner = await makeUser(db, { organisationId: org.id, roles: ["owner"] });
    const b = new Browser(t.server.base);
    await b.login(owner.email, owner.password);
    const says = `${tomorrow} is in the future, so these figures are as at today, ${today}.`;
    for (const path of [`/register?asAt=${tomorrow}`, `/impact?asAt=${tomorrow}`, `/loans/${loan.id}?asAt=${tomorrow}`]) {
      const res = await b.get(path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain(says);
    }
    for (const path of [`/register/csv?asAt=${tomorrow}`, `/register/pdf?asAt=${tomorrow}`, `/impact/csv?figure=capital&asAt=${tomorrow}`]) {
      const res = await b.get(path);
      expect(res.status, path).toBe(400);
      expect(await res.text(), path).toContain(`The date ${tomorrow} is in the future: figures can be as at today (${today}) at the latest.`);
    }
    // A past date is shown as asked, with no notice.
    const past = await (await b.get(`/register?asAt=${fromDay(toDay(today) - 1)}`)).text();
    expect(past).not.toContain("is in the future");

    const yearEnd = `${today.slice(0, 4)}-12-31`;
    const page = await (await b.get(`/reports/annual?yearEnd=${yearEnd}`)).text();
    // The same days, written for people (issue #16): "31 December 2026", in the organisation's locale (en-GB).
    expect(page).toContain(`The year ending ${displayLongDate(yearEnd)} has not ended yet: these figures cover ${displayLongDate(`${today.slice(0, 4)}-01-01`)} to ${displayLongDate(today)} (today)`);
    const csv = await (await b.get(`/reports/annual/csv?yearEnd=${yearEnd}`)).text();
    expect(csv.split("\n")[0].trim()).toBe("figure,label,value,year_start,year_end,figures_to,year_ended");
    expect(csv).toContain(`membersAtYearEnd,Members at the year end,0,${today.slice(0, 4)}-01-01,${yearEnd},${today},no`);
    const lastYear = await (await b.get(`/reports/annual/csv?yearEnd=${Number(today.slice(0, 4)) - 1}-12-31`)).text();
    expect(lastYear).toContain(`,${Number(today.slice(0, 4)) - 1}-12-31,yes`);
    const pdf = await b.get(`/reports/annual/pdf?yearEnd=${yearEnd}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toContain("application/pdf");
  });
});

/**
 * Each figure has two paths (ADR 0020): as at a date after which nothing is
 * dated, the projections kept with the ledgers (share_holdings, the
 * installments' paid columns, the register's dates); as at an earlier date,
 * the ledgers. On varied ledgers in several organisations the two must give
 * exactly the same figures on every date.
 */
describe("the headline figures from the projections", () => {
  const TODAY = "2026-11-25";
  const later = (n: number) => fromDay(toDay(TODAY) + n);

  async function allFigures(db: Database, org: string, asAt: string, fromLedger: boolean) {
    return {
      portfolio: await portfolioHeadline(db, org, asAt, { fromLedger }),
      members: await membersByStatus(db, org, asAt, { fromLedger }),
      capital: await shareCapital(db, org, asAt, { fromLedger }),
    };
  }

  async function expectPathsAgree(db: Database, orgs: string[], dates: string[]) {
    for (const org of orgs) {
      for (const asAt of dates) {
        const quick = await allFigures(db, org, asAt, false);
        const ledger = await allFigures(db, org, asAt, true);
        expect({ org, asAt, ...quick }).toEqual({ org, asAt, ...ledger });
      }
    }
  }

  /** A share ledger row written as the other writers write it (transfers, withdrawals, interest, forfeits): the trigger keeps the holdings. */
  async function ledgerRow(db: Database, org: string, member: string, cls: { id: string; par: bigint }, kind: string, shares: number, on: string) {
    await db.insertInto("share_transactions").values({ organisation_id: org, member_id: member, class_id: cls.id, kind: kind as never, shares, amount: BigInt(shares) * cls.par, effective_on: on, method: kind === "withdrawal" ? "withdrawal" : kind.startsWith("transfer") ? "transfer" : "", reference: "test", reverses_id: null, recorded_by: null }).execute();
  }

  async function society(db: Database, seed: number) {
    const org = await makeOrganisation(db);
    const classes: { id: string; par: bigint }[] = [];
    for (const [name, par] of [["Community Shares", "1.00"], ["Founder Shares", "5.00"]] as const) {
      const input = ShareClassSchema.parse({ name, parValue: par, minHolding: "1", maxHolding: "100000.00", withdrawable: "on", noticeDays: "0", interestRate: "3" });
      const c = await db.transaction().execute((trx) => createShareClass(trx, null, org.id, input));
      classes.push({ id: c.id, par: BigInt(c.par_value) });
    }
    const buy = async (member: string, cls: (typeof classes)[number], shares: number, on: string) => {
      const r = await db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: null, memberId: member, classId: cls.id, shares, on, method: "cash" }));
      if (!r.ok) throw new Error(r.reason);
      return r.transactionId;
    };
    const m = [];
    for (let i = 0; i < 7; i++) m.push((await makeMember(db, org.id, { name: `Member ${seed}-${i}`, on: fromDay(toDay("2025-01-15") + i * 10) })).id);
    // Shares: purchases in two classes, one reversed; a withdrawal, itself reversed; a withdrawal of everything; a transfer; interest and a forfeit.
    for (let i = 0; i < m.length; i++) await buy(m[i], classes[0], 10 + seed * 7 + i * 3, "2025-03-01");
    await buy(m[1], classes[1], 4, "2025-04-01");
    const wrong = await buy(m[2], classes[1], 6, "2025-04-02");
    await db.transaction().execute((trx) => reverseTransaction(trx, null, org.id, wrong, "2025-04-20", "Wrong member"));
    await ledgerRow(db, org.id, m[3], classes[0], "withdrawal", 5, "2025-05-01");
    const withdrawal = await db.selectFrom("share_transactions").select("id").where("organisation_id", "=", org.id).where("member_id", "=", m[3]).where("kind", "=", "withdrawal").executeTakeFirstOrThrow();
    await db.transaction().execute((trx) => reverseTransaction(trx, null, org.id, BigInt(withdrawal.id), "2025-05-10", "Paid in error"));
    await ledgerRow(db, org.id, m[4], classes[0], "withdrawal", 10 + seed * 7 + 12, "2025-06-01");
    await ledgerRow(db, org.id, m[5], classes[0], "transfer_out", 8, "2025-07-01");
    await ledgerRow(db, org.id, m[6], classes[0], "transfer_in", 8, "2025-07-01");
    await ledgerRow(db, org.id, m[0], classes[0], "interest_shares", 2, "2025-12-31");
    await ledgerRow(db, org.id, m[6], classes[0], "forfeit", 3, "2026-02-01");

    // The register: suspended and reinstated; suspended; ceased; a suspension dated before a change recorded earlier
    // (the members.status column then says admitted while the history's latest says suspended); applications
    // waiting, declined and admitted.
    await changeMemberStatus(db, null, org.id, m[0], { status: "suspended", effectiveOn: "2025-06-01" });
    await changeMemberStatus(db, null, org.id, m[0], { status: "admitted", effectiveOn: "2025-09-01" });
    await changeMemberStatus(db, null, org.id, m[1], { status: "suspended", effectiveOn: "2025-06-01" });
    await changeMemberStatus(db, null, org.id, m[4], { status: "ceased", effectiveOn: "2025-06-01" });
    await changeMemberStatus(db, null, org.id, m[2], { status: "suspended", effectiveOn: "2025-10-01" });
    await changeMemberStatus(db, null, org.id, m[2], { status: "admitted", effectiveOn: "2025-08-01" });
    await makeMember(db, org.id, { name: `Applicant ${seed}-a`, status: "applied", on: "2025-08-01" });
    const declined = await makeMember(db, org.id, { name: `Applicant ${seed}-b`, status: "applied", on: "2025-08-01" });
    await changeMemberStatus(db, null, org.id, declined.id, { status: "ceased", effectiveOn: "2025-09-01" });
    const admitted = await makeMember(db, org.id, { name: `Applicant ${seed}-c`, status: "applied", on: "2025-08-01" });
    await changeMemberStatus(db, null, org.id, admitted.id, { status: "admitted", effectiveOn: "2025-09-15" });

    // Loans: paid on time, paid in part, paid then reversed, written off then part recovered, a pay-out reversed,
    // repaid in full (closed), never paid.
    const loans = [];
    for (let k = 0; k < 7; k++) loans.push((await makeLoan(db, org.id, { disbursedOn: "2026-01-15", amount: 1_200_000n + BigInt(seed * 1000 + k) * 10_000n })).loan);
    const pay = (loanId: string, count: number, onDate: string) => payInstallments(db, org.id, loanId, count, onDate, TODAY);
    await pay(loans[0].id, 10, "2026-11-15");
    await recordRepayment(db, null, org.id, loans[1].id, { amount: 250_000n, onDate: "2026-05-20", method: "bank" }, TODAY);
    const reversed = await pay(loans[2].id, 6, "2026-07-15");
    await reverseRepayment(db, null, org.id, loans[2].id, reversed.transactionId, "2026-08-01", "Wrong loan", TODAY);
    await pay(loans[3].id, 2, "2026-03-15");
    await writeOffLoan(db, null, org.id, loans[3].id, "2026-09-30", "Board minute", TODAY);
    await recordRecovery(db, null, org.id, loans[3].id, 100_000n, "2026-10-15", "Recovered from the guarantor", TODAY);
    await reversePayout(db, null, org.id, loans[4].id, { onDate: "2026-01-20", note: "Paid to the wrong account" }, TODAY);
    const state = (await loanInstallments(db, org.id, loans[5].id)).map((r) => ({ n: r.n, due: r.due_on, owed: { fees: r.fees, interest: r.interest, principal: r.principal }, paid: { fees: r.paid_fees, interest: r.paid_interest, principal: r.paid_principal } }));
    await recordRepayment(db, null, org.id, loans[5].id, { amount: payoffAmount(state, "2026-02-01"), onDate: "2026-02-01", method: "bank" }, TODAY);
    expect((await getLoan(db, org.id, loans[5].id))!.status).toBe("closed");
    return { org: org.id, members: m, classes, loans };
  }

  it("give the ledgers' figures on every date, and as at today read the projections", async () => {
    const { db } = t;
    const a = await society(db, 1);
    const b = await society(db, 2);
    const empty = (await makeOrganisation(db)).id;
    const orgs = [a.org, b.org, empty];
    const dates = ["2024-12-31", "2025-03-01", "2025-06-01", "2025-08-15", "2025-10-01", "2026-01-15", "2026-07-31", "2026-11-15", TODAY, later(30)];

    // Nothing is dated after the last row (2026-11-15): from that day on the projections answer.
    for (const asAt of ["2026-11-15", TODAY]) expect(await datedAfter(db, a.org, asAt)).toEqual({ loans: false, register: false, shares: false });
    expect(await datedAfter(db, a.org, "2026-11-14")).toEqual({ loans: true, register: false, shares: false });
    await expectPathsAgree(db, orgs, dates);
    const today = await allFigures(db, a.org, TODAY, false);
    expect(today.members).toMatchObject({ members: 7, suspended: 2, applied: 1, ceased: 2 });
    expect(today.portfolio.loans).toBe(4);
    expect(today.capital.capital).toBeGreaterThan(0n);

    // The quick path reads the projection: a holding or an installment changed behind the ledger's back shows in it,
    // and not in the ledger's figure (rolled back).
    await db.transaction().execute(async (trx) => {
      await sql`UPDATE share_holdings SET value = value + 100 WHERE organisation_id = ${a.org} AND member_id = ${a.members[0]}`.execute(trx);
      await sql`UPDATE loan_installments SET paid_principal = paid_principal + 1 WHERE organisation_id = ${a.org} AND loan_id = ${a.loans[1].id} AND n = 12`.execute(trx);
      expect((await shareCapital(trx, a.org, TODAY)).capital).toBe(today.capital.capital + 100n);
      expect((await portfolioHeadline(trx, a.org, TODAY)).outstanding).toBe(today.portfolio.outstanding - 1n);
      expect(await shareCapital(trx, a.org, TODAY, { fromLedger: true })).toEqual(today.capital);
      throw new Error("rolled back");
    }).catch((e: Error) => expect(e.message).toBe("rolled back"));
    expect(await allFigures(db, a.org, TODAY, false)).toEqual(today);

    // Rows dated after today (a suspension, an admission, a share purchase and a repayment, all future-dated):
    // as at today the ledgers answer, and the figures do not count them until their date.
    const applicant = await makeMember(db, a.org, { name: "Applicant 1-d", status: "applied", on: "2026-10-01" });
    await changeMemberStatus(db, null, a.org, applicant.id, { status: "admitted", effectiveOn: later(5) });
    await changeMemberStatus(db, null, a.org, a.members[5], { status: "suspended", effectiveOn: later(10) });
    const bought = await recordPurchase(db, { organisationId: a.org, actorUserId: null, memberId: a.members[6], classId: a.classes[0].id, shares: 50, on: later(3), method: "cash" });
    expect(bought.ok).toBe(true);
    await recordRepayment(db, null, a.org, a.loans[6].id, { amount: 500_000n, onDate: later(2), method: "bank" }, later(2));
    expect(await datedAfter(db, a.org, TODAY)).toEqual({ loans: true, register: true, shares: true });
    expect(await datedAfter(db, b.org, TODAY)).toEqual({ loans: false, register: false, shares: false });
    expect(await allFigures(db, a.org, TODAY, false)).toEqual({ ...today, members: { ...today.members, applied: 2 } });
    await expectPathsAgree(db, orgs, [...dates, later(2), later(5), later(10)]);
    const after = await allFigures(db, a.org, later(10), false);
    expect(after.members).toMatchObject({ members: 8, suspended: 3, applied: 1 });
    expect(after.capital.capital).toBe(today.capital.capital + 5_000n); // 50 shares of £1
    expect(after.portfolio.outstanding).toBeLessThan(today.portfolio.outstanding);
  });
});

describe("the headline figures remembered per ledger version", () => {
  const version = async (db: Database, org: string) =>
    (await db.selectFrom("ledger_versions").select("version").where("organisation_id", "=", org).executeTakeFirst())?.version ?? 0n;
  const buy = (db: Database, org: string, memberId: string, classId: string, shares: number) =>
    db.transaction().execute(async (trx) => {
      const r = await recordPurchase(trx, { organisationId: org, actorUserId: null, memberId, classId, shares, on: "2026-01-05", method: "cash" });
      if (!r.ok) throw new Error(r.reason);
    });

  it("are read back while the ledger stands still, and worked out again as soon as a transaction writing it commits", async () => {
    const { db } = t;
    const { org, cls } = await setupClass(db);
    const today = await organisationToday(db, org.id);
    const m = await makeMember(db, org.id, { name: "Remembered Member", on: "2025-01-15" });
    await buy(db, org.id, m.id, cls.id, 10);
    const v1 = BigInt(await version(db, org.id));
    expect(v1).toBeGreaterThan(0n);

    expect((await shareCapital(db, org.id, today)).capital).toBe(1_000n);
    const kept = await db.selectFrom("headline_figure_cache").select(["version", "as_at"]).where("organisation_id", "=", org.id).where("figure", "=", "capital").executeTakeFirstOrThrow();
    expect(BigInt(kept.version)).toBe(v1);
    // Read back, not worked out: a remembered figure changed by hand is what the next read returns (and `fresh` works it out).
    await sql`UPDATE headline_figure_cache SET figures = jsonb_set(figures, '{capital}', '"999999n"') WHERE organisation_id = ${org.id} AND figure = 'capital'`.execute(db);
    expect((await shareCapital(db, org.id, today)).capital).toBe(999_999n);
    expect((await shareCapital(db, org.id, today, { fresh: true })).capital).toBe(1_000n);
    await sql`UPDATE headline_figure_cache SET figures = jsonb_set(figures, '{capital}', '"999999n"') WHERE organisation_id = ${org.id} AND figure = 'capital'`.execute(db);

    // A purchase commits: the version moves on once for the whole transaction (ledger row, holding, certificate), and the figure is new.
    await buy(db, org.id, m.id, cls.id, 5);
    expect(BigInt(await version(db, org.id))).toBe(v1 + 1n);
    expect((await shareCapital(db, org.id, today)).capital).toBe(1_500n);

    // Two purchases and an admission in one transaction: one step. A transaction rolled back: none.
    const other = await makeMember(db, org.id, { name: "Second Member", on: "2025-02-01" });
    const v2 = BigInt(await version(db, org.id));
    expect((await membersByStatus(db, org.id, today)).members).toBe(2);
    await db.transaction().execute(async (trx) => {
      for (const [memberId, shares] of [[m.id, 3], [other.id, 20]] as const) {
        const r = await recordPurchase(trx, { organisationId: org.id, actorUserId: null, memberId, classId: cls.id, shares, on: "2026-01-05", method: "cash" });
        if (!r.ok) throw new Error(r.reason);
      }
      await makeMember(trx as unknown as Database, org.id, { name: "Third Member", on: "2025-03-01" });
      // Inside the writing transaction its own rows count (nothing remembered is read there).
      expect((await shareCapital(trx, org.id, today)).capital).toBe(3_800n);
    });
    expect(BigInt(await version(db, org.id))).toBe(v2 + 1n);
    expect((await shareCapital(db, org.id, today)).capital).toBe(3_800n);
    expect((await membersByStatus(db, org.id, today)).members).toBe(3);
    await db.transaction().execute(async (trx) => {
      const r = await recordPurchase(trx, { organisationId: org.id, actorUserId: null, memberId: m.id, classId: cls.id, shares: 7, on: "2026-01-05", method: "cash" });
      if (!r.ok) throw new Error(r.reason);
      throw new Error("rolled back");
    }).catch((e: Error) => expect(e.message).toBe("rolled back"));
    expect(BigInt(await version(db, org.id))).toBe(v2 + 1n);
    expect((await shareCapital(db, org.id, today)).capital).toBe(3_800n);

    // Another organisation's ledger does not move this one's version.
    const elsewhere = await setupClass(db);
    const e = await makeMember(db, elsewhere.org.id, { name: "Elsewhere", on: "2025-01-15" });
    await buy(db, elsewhere.org.id, e.id, elsewhere.cls.id, 10);
    expect(BigInt(await version(db, org.id))).toBe(v2 + 1n);
  });

  it("let simultaneous writers of one organisation all commit, each moving the version once", async () => {
    const { db } = t;
    const { org, cls } = await setupClass(db);
    const today = await organisationToday(db, org.id);
    const members: Awaited<ReturnType<typeof makeMember>>[] = [];
    for (let i = 0; i < 12; i++) members.push(await makeMember(db, org.id, { name: `Buyer ${i}`, on: "2025-01-15" }));
    const before = BigInt(await version(db, org.id));
    expect((await shareCapital(db, org.id, today)).capital).toBe(0n);
    // Each purchase locks its member's holding first and the version row last (at commit), so none waits in a cycle.
    await simultaneously(members.length, (i) => buy(db, org.id, members[i].id, cls.id, 10 + i));
    expect(BigInt(await version(db, org.id))).toBe(before + BigInt(members.length));
    const expected = members.reduce((s, _m, i) => s + BigInt(10 + i) * 100n, 0n);
    expect((await shareCapital(db, org.id, today)).capital).toBe(expected);
    expect((await shareCapital(db, org.id, today, { fromLedger: true })).capital).toBe(expected);
  });
});
