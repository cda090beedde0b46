import { allocateRepayment, type InstallmentState } from "../../app/domain/lending/allocation";
import { portfolioArrears, toColumns } from "../../app/domain/lending/arrears";
import { fromDay, toDay } from "../../app/domain/calendar";
import { addPeriods } from "../../app/domain/lending/dates";
import { generateSchedule } from "../../app/domain/lending/schedule";
import { aprOfSchedule, loanTerms } from "../../app/domain/lending/terms";
import { formatMinor } from "../../app/domain/money";
import { createBorrower } from "../../app/models/lending/borrowers.server";
import { castCommitteeVote } from "../../app/models/lending/committee.server";
import { createApplication, stepApplication } from "../../app/models/lending/applications.server";
import { createProduct } from "../../app/models/lending/products.server";
import { ageLoans } from "../../app/models/lending/loans.server";
import type { BorrowerInput, ProductInput } from "../../app/schemas/lending";
import { prng } from "../../db/factories";
import type { SeedContext } from "./context";

/*
 * The community bank lends to about forty local businesses over the two
 * years to the demo's today: most pay on time, some pay late, a few are in
 * arrears now and three were written off (one with a recovery). Loan
 * histories are simulated with the domain's own schedule and allocation
 * code and written in bulk (the seed must stay fast); month-end arrears
 * snapshots are computed from the same histories so the PAR trend chart has
 * two years of figures.
 */
const PRODUCTS: ProductInput[] = [
  { name: "Small business loan", amortization: "equal-installments", interestMethod: "declining", annualRate: "9.5", minRate: "6", maxRate: "18", minPrincipal: "1000", maxPrincipal: "50000", minTerm: 6, maxTerm: 60, frequency: "monthly", daysInYear: "360", daysInMonth: "30", installmentMultiple: "0.01", graceOnPrincipal: 0, graceOnInterest: 0, arrangementFee: "50" },
  { name: "Community enterprise loan", amortization: "equal-principal", interestMethod: "declining", annualRate: "6.5", minRate: "4", maxRate: "12", minPrincipal: "5000", maxPrincipal: "100000", minTerm: 12, maxTerm: 84, frequency: "monthly", daysInYear: "actual", daysInMonth: "actual", installmentMultiple: "0.01", graceOnPrincipal: 0, graceOnInterest: 0, arrangementFee: "0" },
  { name: "Market trader loan", amortization: "equal-installments", interestMethod: "flat", annualRate: "8", minRate: "6", maxRate: "12", minPrincipal: "500", maxPrincipal: "5000", minTerm: 13, maxTerm: 52, frequency: "weekly", daysInYear: "365", daysInMonth: "actual", installmentMultiple: "1", graceOnPrincipal: 0, graceOnInterest: 0, arrangementFee: "0" },
];

/** [legal name, legal form, SIC, district, ownership, employees] */
const BUSINESSES: [string, BorrowerInput["legalForm"], string, string, BorrowerInput["ownership"], number][] = [
  ["Preston Bike Kitchen", "worker-co-op", "95290", "PR1", ["worker-owned"], 4],
  ["Fishergate Bakehouse Ltd", "company", "10710", "PR1", ["women-led"], 7],
  ["Ribble Valley Veg Box CIC", "social-enterprise", "47210", "PR3", ["community-owned"], 5],
  ["Avenham Print Co-operative", "worker-co-op", "18129", "PR1", ["worker-owned"], 6],
  ["Deepdale Plumbing", "sole-trader", "43220", "PR1", [], 1],
  ["Ashton Kitchen & Café", "company", "56101", "PR2", ["minority-ethnic-led"], 9],
  ["Fulwood Childminders Co-op", "co-operative", "88910", "PR2", ["women-led", "worker-owned"], 8],
  ["Ribbleton Repair Café", "charity", "95220", "PR2", ["community-owned"], 2],
  ["Penwortham Hardware", "partnership", "47520", "PR1", [], 3],
  ["Longridge Dairy Ices Ltd", "company", "10520", "PR3", ["women-led"], 11],
  ["Walton-le-Dale Joinery", "company", "16230", "PR5", [], 5],
  ["Bamber Bridge Barbers", "sole-trader", "96020", "PR5", ["minority-ethnic-led"], 2],
  ["Leyland Community Pantry", "charity", "47110", "PR25", ["community-owned"], 3],
  ["Chorley Road Cycles", "sole-trader", "47640", "PR26", [], 1],
  ["Kirkham Wool Works CIC", "social-enterprise", "13300", "PR4", ["women-led"], 6],
  ["Broughton Farm Shop", "partnership", "01500", "PR3", [], 4],
  ["Preston Solar Installers Co-op", "worker-co-op", "43210", "PR2", ["worker-owned"], 10],
  ["Moor Park Tea Rooms", "company", "56102", "PR1", ["women-led"], 6],
  ["Frenchwood Tailoring", "sole-trader", "14131", "PR1", ["minority-ethnic-led"], 1],
  ["Guild City Brewing Ltd", "company", "11050", "PR1", [], 8],
  ["Grimsargh Equestrian", "sole-trader", "93199", "PR2", ["women-led"], 2],
  ["Lostock Hall Laundry", "company", "96010", "PR5", [], 4],
  ["Croston Cheese Makers", "partnership", "10510", "PR26", [], 5],
  ["Tarleton Glasshouses", "company", "01130", "PR4", [], 12],
  ["Freckleton Boatyard", "company", "33150", "PR4", [], 3],
  ["Plungington Community Radio", "charity", "60100", "PR1", ["community-owned", "young-people-led"], 2],
  ["Ingol Fitness Co-op", "worker-co-op", "93130", "PR2", ["worker-owned", "young-people-led"], 5],
  ["Hutton Garden Services", "sole-trader", "81300", "PR4", [], 1],
  ["Much Hoole Bakery", "sole-trader", "10710", "PR4", ["women-led"], 2],
  ["Goosnargh Poultry Ltd", "company", "01470", "PR3", [], 9],
  ["Preston Docks Kayak Hire", "social-enterprise", "77210", "PR2", ["young-people-led"], 3],
  ["Catforth Stonemasons", "partnership", "23700", "PR4", [], 4],
  ["Euxton Electrical", "sole-trader", "43210", "PR25", [], 1],
  ["Station Road Books", "sole-trader", "47610", "PR1", ["disabled-led"], 2],
  ["Riversway Removals", "company", "49420", "PR2", [], 7],
  ["Corporation Street Deli", "company", "47290", "PR1", ["minority-ethnic-led", "women-led"], 5],
  ["Blackburn Textile Recyclers", "social-enterprise", "38320", "BB1", [], 6],
  ["Lancaster Canal Boats", "company", "50300", "LA1", [], 4],
  ["Blackpool Rock Makers", "company", "10821", "FY1", [], 8],
  ["Chorley Microbrewery", "company", "11050", "PR7", [], 3],
];

type Profile = "on-time" | "late" | "arrears" | "written-off";

export async function seedLending(ctx: SeedContext) {
  const { db, bank, today } = ctx;
  const org = bank.id;
  const officer = bank.users.loan_officer ?? null;
  const committee = bank.users.credit_committee;
  const rng = prng(5005);
  const products: Awaited<ReturnType<typeof createProduct>>[] = [];
  for (const p of PRODUCTS) products.push(await createProduct(db, officer, org, p));

  const borrowers: Awaited<ReturnType<typeof createBorrower>>[] = [];
  for (const [i, [name, form, sic, district, ownership, employees]] of BUSINESSES.entries()) {
    const slug = name.toLowerCase().replace(/[^a-z]+/g, "-").replace(/^-|-$/g, "");
    borrowers.push(
      await createBorrower(db, officer, org, {
        legalName: name,
        legalForm: form,
        sicCode: sic,
        address: `${1 + Math.floor(rng.next() * 200)} ${rng.pick(["Church Street", "Fishergate", "Friargate", "Market Street", "Station Road", "Mill Lane", "High Street"])}`,
        postcode: `${district} ${1 + Math.floor(rng.next() * 9)}${rng.pick(["AB", "BD", "EH", "JL", "NP", "QT", "UW", "XY"])}`,
        employees,
        jobsToCreate: Math.floor(rng.next() * 4),
        jobsToSafeguard: employees,
        ownership,
        contactName: ["Alex", "Sam", "Priya", "Jo", "Kwame", "Maria", "Tom", "Aisha"][i % 8] + " " + ["Hughes", "Patel", "Walsh", "Okafor", "Nowak", "Singh", "Baxter", "Ahmed"][(i * 3) % 8],
        contactEmail: `${slug}@example.org`,
        contactPhone: null,
        // The demo member runs the bike kitchen, so "My loans" has something to show.
        memberNumber: undefined,
      }),
    );
  }
  await db.updateTable("borrowers").set({ member_id: bank.demoMemberId }).where("organisation_id", "=", org).where("id", "=", borrowers[0].id).execute();

  const todayDay = toDay(today);
  const histories: { principal: bigint; disbursed: string; installments: { due: string; owed: bigint; principal: bigint }[]; payments: { date: string; lines: { n: number; principal: bigint; total: bigint }[] }[]; closedOn: string | null; writtenOffOn: string | null }[] = [];
  let reference = 0;
  for (let i = 0; i < 42; i++) {
    const borrower = borrowers[i % borrowers.length];
    const roll = rng.next();
    // Three loans from the first year went bad and were written off; about one in ten is in arrears now.
    const profile: Profile = [7, 19, 31].includes(i) ? "written-off" : i === 0 ? "on-time" : roll < 0.68 ? "on-time" : roll < 0.9 ? "late" : "arrears";
    const kind = i % 7 === 3 ? 2 : i % 5 === 2 ? 1 : 0;
    const product = products[kind];
    const amount = kind === 2 ? BigInt(500 + Math.floor(rng.next() * 45) * 100) * 100n : kind === 1 ? BigInt(5000 + Math.floor(rng.next() * 40) * 1000) * 100n : BigInt(1000 + Math.floor(rng.next() * 49) * 500) * 100n;
    const term = kind === 2 ? 26 + Math.floor(rng.next() * 3) * 13 : kind === 1 ? 24 + Math.floor(rng.next() * 4) * 12 : 12 + Math.floor(rng.next() * 5) * 6;
    const rate = kind === 2 ? "8" : kind === 1 ? (5 + Math.floor(rng.next() * 5)).toString() : (7 + Math.floor(rng.next() * 8)).toString();
    // Pay-outs spread over the 24 months to a fortnight before today.
    const disbursedDay = profile === "written-off" ? todayDay - 500 - Math.floor(rng.next() * 200) : todayDay - 14 - Math.floor(rng.next() * (730 - 14));
    const disbursed = fromDay(disbursedDay);
    const schedule = generateSchedule(loanTerms(product, { amount, termPeriods: term, annualRate: rate, disbursed }));
    let state: InstallmentState[] = schedule.installments.map((s) => ({ n: s.n, due: s.due, owed: { fees: 0n, interest: s.interest, principal: s.principal }, paid: { fees: 0n, interest: 0n, principal: 0n } }));
    const pastDue = state.filter((s) => toDay(s.due) < todayDay).length;
    const stopAfter = profile === "written-off" ? 3 + Math.floor(rng.next() * 4) : profile === "arrears" ? Math.max(1, pastDue - 1 - Math.floor(rng.next() * 4)) : Infinity;
    const tx: { kind: "disbursement" | "fee" | "repayment" | "write_off" | "recovery"; amount: bigint; date: string; p: bigint; i: bigint; f: bigint; lines: { n: number; component: "fees" | "interest" | "principal"; amount: bigint }[] }[] = [
      { kind: "disbursement", amount, date: disbursed, p: amount, i: 0n, f: 0n, lines: [] },
    ];
    if (schedule.fee > 0n) tx.push({ kind: "fee", amount: schedule.fee, date: disbursed, p: 0n, i: 0n, f: schedule.fee, lines: [] });
    const history: (typeof histories)[number] = { principal: amount, disbursed, installments: schedule.installments.map((s) => ({ due: s.due, owed: s.total, principal: s.principal })), payments: [], closedOn: null, writtenOffOn: null };
    let lastPaid = disbursedDay;
    for (const inst of schedule.installments) {
      if (inst.n > stopAfter) break;
      const lateBy = profile === "late" ? 4 + Math.floor(rng.next() * 22) : profile === "on-time" ? (rng.next() < 0.15 ? 1 + Math.floor(rng.next() * 4) : 0) : Math.floor(rng.next() * 6);
      const payDay = Math.max(lastPaid, toDay(inst.due) + lateBy);
      if (payDay > todayDay) break;
      lastPaid = payDay;
      const date = fromDay(payDay);
      const { allocation, state: next } = allocateRepayment(state, inst.total, { asAt: date });
      state = next;
      const sum = (c: string) => allocation.lines.reduce((s, l) => (l.component === c ? s + l.amount : s), 0n);
      tx.push({ kind: "repayment", amount: inst.total, date, p: sum("principal"), i: sum("interest"), f: 0n, lines: allocation.lines });
      history.payments.push({ date, lines: allocation.lines.map((l) => ({ n: l.n, principal: l.component === "principal" ? l.amount : 0n, total: l.amount })) });
    }
    const owedPrincipal = state.reduce((s, x) => s + x.owed.principal - x.paid.principal, 0n);
    const owedAll = state.reduce((s, x) => s + x.owed.principal + x.owed.interest - x.paid.principal - x.paid.interest, 0n);
    let status: "active" | "closed" | "written_off" = owedAll === 0n ? "closed" : "active";
    if (status === "closed") history.closedOn = tx[tx.length - 1].date;
    if (profile === "written-off") {
      const oldest = state.find((s) => s.paid.principal + s.paid.interest < s.owed.principal + s.owed.interest);
      const woDay = oldest ? toDay(oldest.due) + 150 : Infinity;
      if (woDay <= todayDay - 5) {
        status = "written_off";
        history.writtenOffOn = fromDay(woDay);
        tx.push({ kind: "write_off", amount: owedPrincipal, date: fromDay(woDay), p: owedPrincipal, i: 0n, f: 0n, lines: [] });
        if (rng.next() < 0.5) {
          const rec = (owedPrincipal / 5n / 100n) * 100n;
          if (rec > 0n) tx.push({ kind: "recovery", amount: rec, date: fromDay(Math.min(woDay + 40, todayDay - 1)), p: rec, i: 0n, f: 0n, lines: [] });
        }
      }
    }
    reference++;
    const loan = await db
      .insertInto("loans")
      .values({
        organisation_id: org, reference, application_id: null, borrower_id: borrower.id, product_id: product.id, officer_user_id: officer,
        principal: amount, annual_rate: rate, terms: JSON.stringify(loanTerms(product, { amount, termPeriods: term, annualRate: rate, disbursed })),
        apr: aprOfSchedule(schedule), disbursed_on: disbursed, status, closed_on: history.closedOn, written_off_on: history.writtenOffOn,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("loan_installments")
      .values(state.map((s) => ({ organisation_id: org, loan_id: loan.id, n: s.n, due_on: s.due, principal: s.owed.principal, interest: s.owed.interest, paid_principal: s.paid.principal, paid_interest: s.paid.interest })))
      .execute();
    const ids = await db
      .insertInto("loan_transactions")
      .values(tx.map((t) => ({
        organisation_id: org, loan_id: loan.id, kind: t.kind, amount: t.amount, principal_part: t.p, interest_part: t.i, fees_part: t.f, on_date: t.date,
        method: t.kind === "repayment" ? (rng.next() < 0.8 ? ("bank" as const) : ("manual" as const)) : t.kind === "disbursement" ? ("bank" as const) : null,
        note: t.kind === "write_off" ? "Board minute: no realistic prospect of repayment" : t.kind === "recovery" ? "From the sale of equipment" : "",
        recorded_by: officer,
      })))
      .returning("id")
      .execute();
    const lines = tx.flatMap((t, k) => t.lines.map((l) => ({ organisation_id: org, transaction_id: ids[k].id, loan_id: loan.id, n: l.n, component: l.component, amount: l.amount })));
    if (lines.length) await db.insertInto("loan_allocation_lines").values(lines).execute();
    histories.push(history);
  }

  // Month-end arrears snapshots from the simulated histories (the daily job records them from now on).
  const snapshots = [];
  for (let m = 24; m >= 1; m--) {
    const asAtDay = addPeriods(todayDay, -m, 1, "month");
    const asAt = fromDay(asAtDay);
    const live = histories.filter((h) => h.disbursed <= asAt && !(h.writtenOffOn && h.writtenOffOn <= asAt) && !(h.closedOn && h.closedOn <= asAt));
    if (live.length === 0) continue;
    const cols = toColumns(
      live.map((h) => {
        const paid = new Map<number, bigint>();
        let principalPaid = 0n;
        for (const p of h.payments) if (p.date <= asAt) for (const l of p.lines) {
          paid.set(l.n, (paid.get(l.n) ?? 0n) + l.total);
          principalPaid += l.principal;
        }
        return { installments: h.installments.map((x, k) => ({ due: x.due, amountDue: x.owed, amountPaid: paid.get(k + 1) ?? 0n })), outstandingPrincipal: h.principal - principalPaid };
      }),
    );
    const p = portfolioArrears(cols, asAt);
    snapshots.push({
      organisation_id: org, as_at: asAt, loans: live.length, total_outstanding: p.totalOutstanding, par30: p.par30.atRisk, par60: p.par60.atRisk, par90: p.par90.atRisk,
      buckets: JSON.stringify(Object.fromEntries(Object.entries(p.buckets).map(([k, v]) => [k, { loans: v.loans, principal: formatMinor(v.principal) }]))),
    });
  }
  if (snapshots.length) await db.insertInto("loan_arrears_snapshots").values(snapshots).execute();
  await ageLoans(db, org, today);

  // Applications at each stage, so every screen of the workflow has an example.
  const step = (id: string, s: Parameters<typeof stepApplication>[4]) => stepApplication(db, officer ?? committee, org, id, s, today);
  const apply = (b: number, amount: string, term: number, rate: string, purpose: string, p = 0) =>
    createApplication(db, officer, org, { borrowerId: borrowers[b].id, productId: products[p].id, amount, termPeriods: term, annualRate: rate, purpose }, today);
  await apply(5, "12000", 36, "9.5", "Refit the kitchen and add a second oven");
  const submitted = await apply(16, "40000", 60, "7", "Van and tools for two new installers", 1);
  await step(submitted.id, { intent: "submit" });
  const review = await apply(17, "8000", 24, "10", "New seating for the garden");
  await step(review.id, { intent: "submit" });
  await step(review.id, { intent: "review", officerNotes: "Two years' accounts seen; summer trade strong.", monthlyIncome: "14500", monthlyOutgoings: "12100" });
  const atCommittee = await apply(26, "15000", 48, "6.5", "Equipment for a second studio", 1);
  await step(atCommittee.id, { intent: "submit" });
  await step(atCommittee.id, { intent: "review", officerNotes: "Members' loan-stock raise covers a third of the cost.", monthlyIncome: "9200", monthlyOutgoings: "7400" });
  await step(atCommittee.id, { intent: "refer" });
  if (committee) {
    const offered = await apply(30, "6000", 24, "11", "Six more kayaks and a trailer");
    await step(offered.id, { intent: "submit" });
    await step(offered.id, { intent: "review", officerNotes: "Bookings up 40% on last year.", monthlyIncome: "5200", monthlyOutgoings: "3900" });
    await step(offered.id, { intent: "refer" });
    await castCommitteeVote(db, committee, org, offered.id, { vote: "approve", comment: "Good bookings record; modest amount." });
    await step(offered.id, { intent: "offer" });
  }
}
