/**
 * One source for each headline figure (ADR 0010): an organisation with
 * members in every status, share capital and loans in arrears; the
 * dashboard, the lending page, the impact dashboard, the members' impact
 * page, the annual return (for the year to today) and the public page,
 * fetched over HTTP on the same date, show the same principal outstanding,
 * loan count, PAR, members and share capital, and those are the figures
 * worked out by hand from what was seeded.
 */
import { describe, expect, it } from "vitest";
import { fromDay, toDay } from "~/domain/calendar";
import { displayMoney } from "~/domain/money";
import { percentText } from "~/domain/percent";
import { portfolioHeadline } from "~/models/core/headline-figures.server";
import { getLoan, loanInstallments, payoffAmount, portfolioArrears, recordRepayment } from "~/models/lending/loans.server";
import { changeMemberStatus } from "~/models/shares/members.server";
import { organisationToday } from "~/models/core/organisations.server";
import { saveImpactSettings } from "~/models/impact/procurement.server";
import { recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { makeMember, makeUser } from "../../db/factories";
import { appTestBed, Browser } from "../http";
import { makeLoan } from "../fixtures/lending";
import { setupClass } from "../fixtures/shares";
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
