/**
 * Lending over HTTP against the built app: CSV exports, the rate cap refused
 * in the product form, a bad repayment refused with nothing written, and the
 * member's own view showing only the loans of borrowers linked to them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { makeLoan, PRODUCT } from "../fixtures/lending";
import { Browser, startTestServer, type TestServer } from "../http";

let db: Database;
let server: TestServer;
let orgId: string;
let loanId: string;
const officer = { email: "", password: "" };
const linked = { email: "", password: "" };
const other = { email: "", password: "" };

beforeAll(async () => {
  db = await testDb();
  server = await startTestServer();
  const org = await makeOrganisation(db, { legalForm: "community-bank" });
  orgId = org.id;
  const member = await makeMember(db, org.id, { name: "Linked Member" });
  const stranger = await makeMember(db, org.id, { name: "Other Member" });
  const o = await makeUser(db, { organisationId: org.id, roles: ["loan_officer"] });
  const l = await makeUser(db, { organisationId: org.id, roles: ["member"], memberId: member.id });
  const s = await makeUser(db, { organisationId: org.id, roles: ["member"], memberId: stranger.id });
  Object.assign(officer, o);
  Object.assign(linked, l);
  Object.assign(other, s);
  const { loan, borrower } = await makeLoan(db, org.id, { borrower: { legalName: "Linked Workshop Co-op" }, officerUserId: o.id });
  await db.updateTable("borrowers").set({ member_id: member.id }).where("organisation_id", "=", org.id).where("id", "=", borrower.id).execute();
  loanId = loan.id;
  // 60 more loans of the officer's, paid out in January with nothing paid (so late): the lists run to two pages.
  for (let k = 0; k < 60; k++) await makeLoan(db, org.id, { officerUserId: o.id });
});
afterAll(async () => server?.close());

describe("lending over HTTP", () => {
  it("exports a schedule and the portfolio as CSV", async () => {
    const b = new Browser(server.base);
    await b.login(officer.email, officer.password);
    const res = await b.get(`/loans/${loanId}/schedule.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = (await res.text()).trim().split("\n");
    expect(lines[0]).toBe("n,due,principal,interest,fees,installment,paid,balance_after");
    expect(lines).toHaveLength(13);
    expect(lines[1]).toBe("1,2026-02-15,946.19,120.00,0.00,1066.19,0.00,11053.81");
    const p = await b.get("/loans/portfolio.csv");
    expect(await p.text()).toContain("Linked Workshop Co-op");
  });

  it("pages the lending page's loan lists, 50 loans a page, with the whole book's figures", async () => {
    // With the 60 more loans made before the tests, the officer's: two pages of "My loans" and of "All loans"; all late.
    const b = new Browser(server.base);
    await b.login(officer.email, officer.password);
    const text = async (path: string) => {
      const res = await b.get(path);
      expect(res.status).toBe(200);
      return (await res.text()).replaceAll("<!-- -->", "");
    };
    const rowsIn = (html: string, label: string) => {
      const region = html.split(`aria-label="${label}"`)[1].split("</table>")[0];
      return (region.match(/href="\/loans\/[0-9a-f-]{36}"/g) ?? []).length;
    };
    const first = await text("/loans");
    expect(first).toMatch(/data-figure="loans"[^]*?61/);
    expect([rowsIn(first, "All loans"), rowsIn(first, "Loans I look after"), rowsIn(first, "Loans in arrears, latest first")]).toEqual([50, 50, 50]);
    expect(first).toContain('href="/loans?page=2"');
    expect(first).toContain('href="/loans?late=2"');
    const second = await text("/loans?page=2&late=2&mine=2");
    expect([rowsIn(second, "All loans"), rowsIn(second, "Loans I look after"), rowsIn(second, "Loans in arrears, latest first")]).toEqual([11, 11, 11]);
    expect(second).not.toContain("Next page");
    const csv = (await (await b.get("/loans/portfolio.csv")).text()).trim().split("\n");
    expect(csv).toHaveLength(62);
  });

  it("refuses a product above the rate cap with the reason, and a repayment dated before the pay-out, writing nothing", async () => {
    const b = new Browser(server.base);
    await b.login(officer.email, officer.password);
    const form = Object.fromEntries(Object.entries({ ...PRODUCT, name: "Too dear", maxRate: "40" }).map(([k, v]) => [k, String(v)]));
    const res = await b.post("/products?index", form);
    expect(await res.text()).toContain("above this organisation&#x27;s cap of 36% a year (3% a month)");
    expect(await db.selectFrom("loan_products").select("id").where("organisation_id", "=", orgId).where("name", "=", "Too dear").execute()).toHaveLength(0);
    const before = await db.selectFrom("loan_transactions").select("id").where("organisation_id", "=", orgId).execute();
    const r = await b.post(`/loans/${loanId}?index`, { intent: "repayment", amount: "100", onDate: "2025-01-01", method: "bank", order: "fees,interest,principal", reschedule: "shorter-term" });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("The date 2025-01-01 is before the loan was paid out on 2026-01-15.");
    expect(await db.selectFrom("loan_transactions").select("id").where("organisation_id", "=", orgId).execute()).toHaveLength(before.length);
  });

  it("shows a member only the loans of borrowers linked to them", async () => {
    const mine = new Browser(server.base);
    await mine.login(linked.email, linked.password);
    const page = (await (await mine.get("/my/loans")).text()).replaceAll("<!-- -->", "");
    expect(page).toContain("Loan 1 to Linked Workshop Co-op");
    const theirs = new Browser(server.base);
    await theirs.login(other.email, other.password);
    const none = await (await theirs.get("/my/loans")).text();
    expect(none).not.toContain("Linked Workshop Co-op");
    expect(none).toContain("You have no loans with us.");
    expect((await theirs.get(`/loans/${loanId}`)).status).toBe(403);
  });
});
