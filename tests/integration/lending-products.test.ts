/**
 * Changing borrowers and loan products (issue #16 point 1): a borrower's
 * details edited and audited; a product's terms edited for new applications
 * only (loans keep the terms they copied, applications in progress cannot
 * have their terms changed under them); a product retired (refused for new
 * applications, its applications and loans carry on) and offered again; a
 * lowered rate cap naming the products now above it. Each organisation's
 * records are its own, and roles without loans:write are refused over HTTP.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { Refusal } from "~/domain/refusal";
import { createBorrower, getBorrower, updateBorrower } from "~/models/lending/borrowers.server";
import { createApplication, stepApplication } from "~/models/lending/applications.server";
import { bringBackProduct, createProduct, getProduct, productsOverRateCap, retireProduct, updateProduct } from "~/models/lending/products.server";
import { getLoan, loanInstallments } from "~/models/lending/loans.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { borrowerInput, makeLoan, PRODUCT } from "../fixtures/lending";
import { Browser, appTestBed } from "../http";

const TODAY = "2026-11-25";
const t = appTestBed();
let db: Database;
beforeAll(() => {
  db = t.db;
});

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof Refusal) return { message: e.message, code: e.code, field: e.field };
    throw e;
  }
  throw new Error("expected a refusal");
};
const auditOf = (orgId: string, entityId: string) =>
  db.selectFrom("audit_events").select(["action", "body"]).where("organisation_id", "=", orgId).where("entity_id", "=", entityId).orderBy("seq").execute();
const setCap = (orgId: string, monthlyPercent: number) =>
  db.updateTable("organisations").set({ rules: sql`rules || ${JSON.stringify({ rateCapMonthlyPercent: monthlyPercent })}::jsonb` }).where("id", "=", orgId).execute();
const apply = (orgId: string, borrowerId: string, productId: string, over: Partial<{ amount: string; annualRate: string; termPeriods: number }> = {}) =>
  createApplication(db, null, orgId, { borrowerId, productId, amount: "5000", termPeriods: 12, annualRate: "12", purpose: "A new oven", ...over }, TODAY);
/** A form body as a browser sends it: empty fields left out. */
const form = (input: object) => Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]));

describe("changing a borrower", () => {
  it("changes the details, follows the new postcode for local, links a member, and audits before and after", async () => {
    const org = await makeOrganisation(db, { localArea: ["PR1"] });
    const member = await makeMember(db, org.id, { name: "Ada Baker" });
    const { member_number } = await db.selectFrom("members").select("member_number").where("id", "=", member.id).executeTakeFirstOrThrow();
    const b = await createBorrower(db, null, org.id, borrowerInput());
    expect(b.is_local).toBe(true);
    const after = await db.transaction().execute((trx) =>
      updateBorrower(trx, null, org.id, b.id, borrowerInput({ legalName: "Ribble Bakers Co-op", postcode: "bb1 1aa", employees: 9, ownership: ["worker-owned"], memberNumber: member_number })),
    );
    expect(after).toMatchObject({ legal_name: "Ribble Bakers Co-op", postcode: "BB1 1AA", is_local: false, employees: 9, ownership: ["worker-owned"], member_id: member.id });
    const audit = await auditOf(org.id, b.id);
    expect(audit.map((a) => a.action)).toEqual(["borrower.created", "borrower.updated"]);
    const body = JSON.parse(audit[1].body) as { before: { legal_name: string }; after: { legal_name: string } };
    expect([body.before.legal_name, body.after.legal_name]).toEqual(["Ribble Valley Bakers Ltd", "Ribble Bakers Co-op"]);
  });

  it("refuses an unknown member number beside its field, writing nothing", async () => {
    const org = await makeOrganisation(db);
    const b = await createBorrower(db, null, org.id, borrowerInput());
    const r = await refusal(db.transaction().execute((trx) => updateBorrower(trx, null, org.id, b.id, borrowerInput({ legalName: "Changed", memberNumber: 999 }))));
    expect(r).toEqual({ message: "There is no member number 999 in the register.", code: "refused", field: "memberNumber" });
    expect((await getBorrower(db, org.id, b.id))?.legal_name).toBe("Ribble Valley Bakers Ltd");
    expect((await auditOf(org.id, b.id)).map((a) => a.action)).toEqual(["borrower.created"]);
  });

  it("cannot reach another organisation's borrower", async () => {
    const mine = await makeOrganisation(db);
    const theirs = await makeOrganisation(db);
    const b = await createBorrower(db, null, theirs.id, borrowerInput());
    const r = await refusal(db.transaction().execute((trx) => updateBorrower(trx, null, mine.id, b.id, borrowerInput({ legalName: "Taken over" }))));
    expect(r.code).toBe("not-found");
    expect((await getBorrower(db, theirs.id, b.id))?.legal_name).toBe("Ribble Valley Bakers Ltd");
  });
});

describe("changing a product's terms", () => {
  it("applies to new applications only: the paid-out loan keeps its terms and schedule", async () => {
    const org = await makeOrganisation(db);
    const { product, borrower, loan } = await makeLoan(db, org.id);
    const termsBefore = (await getLoan(db, org.id, loan.id))!.terms;
    const installmentsBefore = await loanInstallments(db, org.id, loan.id);
    // Above the old largest amount: refused before the change, taken after it.
    expect((await refusal(apply(org.id, borrower.id, product.id, { amount: "60000" }))).message).toContain("outside this product's range");
    const changed = await updateProduct(db, null, org.id, product.id, { ...PRODUCT, name: "Growth loan", maxPrincipal: "75000", arrangementFee: "150", daysInYear: "365", maxRate: "30" });
    expect(changed).toMatchObject({ name: "Growth loan", max_principal: 7_500_000n, arrangement_fee: 15_000n, days_in_year: "365" });
    expect((await getLoan(db, org.id, loan.id))!.terms).toEqual(termsBefore);
    expect(await loanInstallments(db, org.id, loan.id)).toEqual(installmentsBefore);
    const app = await apply(org.id, borrower.id, product.id, { amount: "60000", annualRate: "28" });
    expect(app.amount).toBe(6_000_000n);
    const audit = await auditOf(org.id, product.id);
    expect(audit.map((a) => a.action)).toEqual(["loan_product.created", "loan_product.updated"]);
  });

  it("refuses to change schedule terms under an application in progress, or ranges that would leave it outside, naming it", async () => {
    const org = await makeOrganisation(db);
    const product = await createProduct(db, null, org.id, PRODUCT);
    const borrower = await createBorrower(db, null, org.id, borrowerInput());
    const app = await apply(org.id, borrower.id, product.id, { amount: "5000", annualRate: "12" });
    const fee = await refusal(updateProduct(db, null, org.id, product.id, { ...PRODUCT, arrangementFee: "100", frequency: "quarterly" }));
    expect(fee.message).toBe(
      `While application ${app.reference} is in progress on this product, how often it is repaid and the arrangement fee cannot change under it. Change only the name and ranges now, or retire this product and add a new one with the new terms.`,
    );
    const narrow = await refusal(updateProduct(db, null, org.id, product.id, { ...PRODUCT, minRate: "14", annualRate: "15" }));
    expect(narrow.message).toContain(`leave application ${app.reference}, in progress on this product, outside them`);
    expect(await getProduct(db, org.id, product.id)).toMatchObject({ name: PRODUCT.name, arrangement_fee: 0n, frequency: "monthly", min_rate: expect.stringMatching(/^6/) });
    // The name and ranges that still hold it may change.
    const ok = await updateProduct(db, null, org.id, product.id, { ...PRODUCT, name: "Bakery loan", maxPrincipal: "60000", minRate: "5" });
    expect(ok.name).toBe("Bakery loan");
  });

  it("refuses a highest rate above the cap and a name another product has, with the field", async () => {
    const org = await makeOrganisation(db);
    const product = await createProduct(db, null, org.id, PRODUCT);
    await createProduct(db, null, org.id, { ...PRODUCT, name: "Start-up loan" });
    expect((await refusal(updateProduct(db, null, org.id, product.id, { ...PRODUCT, maxRate: "40" }))).message).toContain("The highest rate 40% a year is above this organisation's cap of 36% a year (3% a month).");
    expect(await refusal(updateProduct(db, null, org.id, product.id, { ...PRODUCT, name: "Start-up loan" }))).toEqual({ message: 'There is already a product called "Start-up loan".', code: "refused", field: "name" });
    // Its own name is not a clash.
    expect((await updateProduct(db, null, org.id, product.id, { ...PRODUCT, maxTerm: 48 })).max_term).toBe(48);
  });

  it("cannot reach another organisation's product", async () => {
    const mine = await makeOrganisation(db);
    const theirs = await makeOrganisation(db);
    const product = await createProduct(db, null, theirs.id, PRODUCT);
    expect((await refusal(updateProduct(db, null, mine.id, product.id, { ...PRODUCT, name: "Taken over" }))).code).toBe("not-found");
    expect((await refusal(retireProduct(db, null, mine.id, product.id, TODAY))).code).toBe("not-found");
    expect(await getProduct(db, theirs.id, product.id)).toMatchObject({ name: PRODUCT.name, retired_on: null });
  });
});

describe("retiring a product", () => {
  it("refuses new applications with a clear message, lets those in progress carry on, and can offer it again", async () => {
    const org = await makeOrganisation(db);
    const officer = await makeUser(db, { organisationId: org.id, roles: ["loan_officer"] });
    const product = await createProduct(db, null, org.id, PRODUCT);
    const borrower = await createBorrower(db, null, org.id, borrowerInput());
    const inProgress = await apply(org.id, borrower.id, product.id);
    expect(await retireProduct(db, officer.id, org.id, product.id, TODAY)).toEqual({ name: PRODUCT.name, retiredOn: TODAY });
    expect(await refusal(apply(org.id, borrower.id, product.id))).toEqual({
      message: `"${PRODUCT.name}" was retired on ${TODAY} and is no longer offered for new applications: choose another product.`,
      code: "refused",
      field: "productId",
    });
    expect(await stepApplication(db, officer.id, org.id, inProgress.id, { intent: "submit" }, TODAY)).toEqual({ status: "submitted" });
    expect((await refusal(retireProduct(db, officer.id, org.id, product.id, TODAY))).message).toBe(`"${PRODUCT.name}" was already retired on ${TODAY}.`);
    await bringBackProduct(db, officer.id, org.id, product.id);
    expect((await getProduct(db, org.id, product.id))?.retired_on).toBeNull();
    expect((await apply(org.id, borrower.id, product.id)).status).toBe("draft");
    expect((await auditOf(org.id, product.id)).map((a) => a.action)).toEqual(["loan_product.created", "loan_product.retired", "loan_product.brought_back"]);
  });

  it("will not offer a retired product again while its highest rate is above the cap", async () => {
    const org = await makeOrganisation(db);
    const product = await createProduct(db, null, org.id, { ...PRODUCT, maxRate: "30" });
    await retireProduct(db, null, org.id, product.id, TODAY);
    await setCap(org.id, 2);
    expect((await refusal(bringBackProduct(db, null, org.id, product.id))).message).toBe(
      `"${PRODUCT.name}" goes up to 30% a year, above the cap of 24% a year (2% a month): change its highest rate before offering it again.`,
    );
    expect((await getProduct(db, org.id, product.id))?.retired_on).toBe(TODAY);
  });
});

describe("a lowered rate cap", () => {
  it("names the offered products now above it with their rates, and refuses an application above it", async () => {
    const org = await makeOrganisation(db);
    const dear = await createProduct(db, null, org.id, { ...PRODUCT, name: "Start-up loan", maxRate: "36", annualRate: "30" });
    await createProduct(db, null, org.id, { ...PRODUCT, name: "Small business loan", maxRate: "24" });
    const retired = await createProduct(db, null, org.id, { ...PRODUCT, name: "Old loan", maxRate: "30" });
    await retireProduct(db, null, org.id, retired.id, TODAY);
    expect((await productsOverRateCap(db, org.id)).products).toEqual([]);
    await setCap(org.id, 2);
    const over = await productsOverRateCap(db, org.id);
    expect(over.products.map((p) => [p.name, p.maxAnnualRate])).toEqual([["Start-up loan", "36"]]);
    expect(over.sentence).toContain("above the cap of 24% a year (2% a month): Start-up loan (36% a year).");
    const borrower = await createBorrower(db, null, org.id, borrowerInput());
    expect((await refusal(apply(org.id, borrower.id, dear.id, { annualRate: "30" }))).message).toContain("The rate 30% a year is above this organisation's cap of 24% a year (2% a month).");
    expect((await apply(org.id, borrower.id, dear.id, { annualRate: "24" })).status).toBe("draft");
  });
});

describe("over HTTP", () => {
  it("lets a loan officer change a borrower, with errors beside the fields, and refuses roles without loans:write with 403", async () => {
    const org = await makeOrganisation(db);
    const officer = await makeUser(db, { organisationId: org.id, roles: ["loan_officer"] });
    const auditor = await makeUser(db, { organisationId: org.id, roles: ["auditor"] });
    const b = await createBorrower(db, null, org.id, borrowerInput());
    const ob = new Browser(t.server.base);
    await ob.login(officer.email, officer.password);
    const page = await (await ob.get(`/borrowers/${b.id}`)).text();
    expect(page).toContain("Change the borrower&#x27;s details");
    const bad = await ob.post(`/borrowers/${b.id}`, form(borrowerInput({ postcode: "nowhere", contactEmail: undefined })));
    expect(bad.status).toBe(200);
    const html = await bad.text();
    expect(/<input[^>]*name="postcode"[^>]*>/.exec(html)?.[0]).toContain('aria-invalid="true"');
    expect(html).toContain("Enter a UK postcode like PR1 2AB");
    const good = await ob.post(`/borrowers/${b.id}`, form(borrowerInput({ legalName: "Ribble Bakers Co-op", contactEmail: undefined })));
    expect((await good.text()).replaceAll("<!-- -->", "")).toContain("The details of Ribble Bakers Co-op are saved.");
    expect((await getBorrower(db, org.id, b.id))?.legal_name).toBe("Ribble Bakers Co-op");

    const ab = new Browser(t.server.base);
    await ab.login(auditor.email, auditor.password);
    expect(await (await ab.get(`/borrowers/${b.id}`)).text()).not.toContain("Change the borrower&#x27;s details");
    expect((await ab.post(`/borrowers/${b.id}`, form(borrowerInput({ legalName: "Auditor was here", contactEmail: undefined })))).status).toBe(403);
    expect((await getBorrower(db, org.id, b.id))?.legal_name).toBe("Ribble Bakers Co-op");
  });

  it("retires and changes a product from its page, lists it apart, and refuses the owner (no loans:write) with 403", async () => {
    const org = await makeOrganisation(db);
    const officer = await makeUser(db, { organisationId: org.id, roles: ["loan_officer"] });
    const owner = await makeUser(db, { organisationId: org.id, roles: ["owner"] });
    const product = await createProduct(db, null, org.id, PRODUCT);
    const ob = new Browser(t.server.base);
    await ob.login(officer.email, officer.password);
    const retired = await ob.post(`/products/${product.id}`, { intent: "retire" });
    expect(retired.status).toBe(200);
    expect((await getProduct(db, org.id, product.id))?.retired_on).not.toBeNull();
    const list = (await (await ob.get("/products")).text()).replaceAll("<!-- -->", "");
    expect(list).toContain("Retired products");
    expect(list.split("Retired products")[1]).toContain(PRODUCT.name);
    const bad = await ob.post(`/products/${product.id}`, form({ ...PRODUCT, intent: "edit", maxRate: "abc" }));
    expect(await bad.text()).toContain("Enter a yearly rate in percent, like 9 or 12.5");
    const edited = await ob.post(`/products/${product.id}`, form({ ...PRODUCT, intent: "edit", name: "Bakery loan" }));
    expect((await edited.text()).replaceAll("<!-- -->", "")).toContain("is changed: new applications take the new terms.");
    expect((await getProduct(db, org.id, product.id))?.name).toBe("Bakery loan");

    const own = new Browser(t.server.base);
    await own.login(owner.email, owner.password);
    expect((await own.get(`/products/${product.id}`)).status).toBe(200);
    expect((await own.post(`/products/${product.id}`, { intent: "bring-back" })).status).toBe(403);
    expect((await getProduct(db, org.id, product.id))?.retired_on).not.toBeNull();
  });

  it("says in the settings reply and on the products page which products a lowered cap leaves above it", async () => {
    const org = await makeOrganisation(db);
    const secretary = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
    const officer = await makeUser(db, { organisationId: org.id, roles: ["loan_officer"] });
    await createProduct(db, null, org.id, { ...PRODUCT, name: "Start-up loan", maxRate: "36", annualRate: "30" });
    await createProduct(db, null, org.id, { ...PRODUCT, name: "Small business loan", maxRate: "24" });
    const sb = new Browser(t.server.base);
    await sb.login(secretary.email, secretary.password);
    const res = await sb.post("/settings", { name: org.name, legalForm: "co-operative-society", currency: "GBP", timeZone: "Europe/London", localArea: "PR1", rateCapMonthlyPercent: "2" });
    const reply = (await res.text()).replaceAll("<!-- -->", "");
    expect(reply).toContain("Settings saved.");
    expect(reply).toContain("The highest rate of 1 product is above the cap of 24% a year (2% a month): Start-up loan (36% a year).");
    const ob = new Browser(t.server.base);
    await ob.login(officer.email, officer.password);
    expect((await (await ob.get("/products")).text()).replaceAll("<!-- -->", "")).toContain("Start-up loan (36% a year)");
  });
});
