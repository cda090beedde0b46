/**
 * The lending workflow in a browser, on the seeded community bank: the loan
 * officer takes an application, the credit committee approves it, the offer
 * (with its schedule and APR) is accepted, the loan is paid out, a repayment
 * is recorded and the loan page shows it. Then the lending pages are
 * scanned with axe on desktop and phone widths.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { appAndBrowser, logIn, seriousA11yFindings } from "./harness";
import { dateInZone, DEFAULT_TIME_ZONE } from "~/domain/today";

let applicationUrl = "";
let loanUrl = "";

const t = appAndBrowser();

async function as(email: string): Promise<Page> {
  const context = await t.browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await logIn(page, t.app.base, email);
  await page.waitForURL(/\/dashboard$/);
  return page;
}

describe("lending workflow", () => {
  it("takes an application through review to the credit committee", async () => {
    const page = await as("loans@demo.coop");
    await page.goto(`${t.app.base}/applications/new`);
    await page.getByLabel("Borrower").selectOption({ label: "Fishergate Bakehouse Ltd" });
    await page.getByLabel("Product").selectOption({ label: "Small business loan" });
    await page.getByLabel("Amount asked for (£)").fill("5000");
    await page.getByLabel("Number of installments").fill("12");
    await page.getByLabel("Rate (% a year)").fill("40");
    await page.getByLabel("What the loan is for").fill("A second proving cabinet");
    await page.getByRole("button", { name: "Save draft application" }).click();
    // Above the product's range and the bank's cap: refused with the reason, nothing saved.
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("above this organisation's cap of 36% a year (3% a month)");
    expect(page.url()).toContain("/applications/new");
    await page.getByLabel("Rate (% a year)").fill("9.5");
    await page.getByRole("button", { name: "Save draft application" }).click();
    await page.waitForURL(/\/applications\/[0-9a-f-]{36}$/);
    applicationUrl = page.url();
    await page.getByRole("button", { name: "Submit the application" }).click();
    await expect.poll(() => page.getByText("Submitted").first().isVisible()).toBe(true);
    await page.getByLabel("Review notes").fill("Three years' accounts seen; steady wholesale orders.");
    await page.getByLabel("Monthly income (£)").fill("9000");
    await page.getByLabel("Monthly outgoings (£)").fill("7200");
    await page.getByRole("button", { name: "Save review" }).click();
    await page.getByRole("button", { name: "Send to the credit committee" }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain("With the credit committee");
    expect(await page.locator("main").textContent()).toContain("£1,800.00");
    await page.context().close();
  });

  it("lets the credit committee approve it with a comment", async () => {
    const page = await as("committee@demo.coop");
    await page.goto(applicationUrl);
    await page.getByRole("link", { name: "Cast your vote" }).click();
    await page.waitForURL(/\/vote$/);
    await page.getByLabel("Approve").check();
    await page.getByLabel(/^Comment/).fill("Good record with us; affordable.");
    await page.getByRole("button", { name: "Cast vote" }).click();
    await expect.poll(() => page.locator("main").textContent(), { timeout: 15_000 }).toContain("Approved by 1 to 0.");
    expect(page.url()).toBe(applicationUrl);
    const main = await page.locator("main").textContent();
    expect(main).toContain("Good record with us; affordable.");
    await page.context().close();
  });

  it("makes the offer with its APR, records acceptance, pays out and records a repayment", async () => {
    const page = await as("loans@demo.coop");
    await page.goto(applicationUrl);
    await page.getByRole("button", { name: "Make the offer" }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain("Offer made");
    await expect.poll(() => page.locator("main").textContent()).toMatch(/APR \d+(\.\d)?% \(representative/);
    expect(await page.getByRole("region", { name: "Offered repayment schedule" }).locator("tbody tr").count()).toBe(12);
    await page.getByRole("button", { name: "Record that the borrower accepted" }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain("Offer accepted");
    await page.getByRole("button", { name: "Pay out the loan" }).click();
    await page.waitForURL(/\/loans\/[0-9a-f-]{36}$/);
    loanUrl = page.url();
    expect(await page.locator("main").textContent()).toContain("Fishergate Bakehouse Ltd");
    // A date before the pay-out is refused beside the field and nothing is written; then £150 is recorded.
    await page.getByLabel("Amount paid (£)").fill("150");
    await page.getByLabel("Date paid").fill("2020-01-01");
    await page.getByRole("button", { name: "Record repayment" }).click();
    await expect.poll(() => page.locator("form#repayment").textContent()).toContain("The date 2020-01-01 is before the loan was paid out on");
    expect(await page.getByRole("region", { name: "Loan transactions" }).locator("tbody tr").count()).toBe(2);
    // Correcting the date and pressing the button straight away submits: the error clears as the
    // field changes, so the button does not move under the pointer mid-click.
    await page.getByLabel("Date paid").fill(dateInZone(new Date(), DEFAULT_TIME_ZONE));
    await page.getByRole("button", { name: "Record repayment" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Repayment" }).count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByRole("status").filter({ hasText: "Repayment" }).textContent()).toBe("Repayment recorded.");
    const txRows = page.getByRole("region", { name: "Loan transactions" }).locator("tbody tr");
    await expect.poll(() => txRows.count()).toBe(3); // paid out, arrangement fee, repayment
    expect(await txRows.last().textContent()).toContain("£150.00");
    const first = page.getByRole("region", { name: "Repayment schedule" }).locator("tbody tr").first();
    expect(await first.textContent()).toContain("£150.00");
    expect(await first.textContent()).toContain("part-paid");
    await page.context().close();
  });
});

describe("lending pages accessibility", () => {
  it("has no serious or critical axe findings, on desktop and phone widths", async () => {
    const pages: [string, string][] = [
      ["/loans", "loans@demo.coop"],
      [loanUrl.replace(t.app.base, ""), "loans@demo.coop"],
      [applicationUrl.replace(t.app.base, ""), "loans@demo.coop"],
      ["/applications", "loans@demo.coop"],
      ["/applications/new", "loans@demo.coop"],
      ["/borrowers", "loans@demo.coop"],
      ["/borrowers/new", "loans@demo.coop"],
      ["/products", "loans@demo.coop"],
      ["/my/loans", "member@demo.coop"],
      [`${loanUrl.replace(t.app.base, "")}/write-off`, "board@demo.coop"],
    ];
    const findings: string[] = [];
    for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
      const context = await t.browser.newContext({ viewport });
      const page = await context.newPage();
      let current = "";
      for (const [path, who] of pages) {
        if (who !== current) {
          await context.clearCookies();
          await logIn(page, t.app.base, who);
          await page.waitForURL(/\/dashboard$/);
          current = who;
        }
        const res = await page.goto(t.app.base + path);
        expect(res?.status(), path).toBe(200);
        for (const f of await seriousA11yFindings(page)) findings.push(`${viewport.width}px ${path}: ${f}`);
      }
      await context.close();
    }
    expect(findings).toEqual([]);
  }, 240_000); // every lending page scanned by axe at two widths: minutes on a busy machine

  it("shows the member the loan of the business linked to them, and the PAR chart with its table", async () => {
    const page = await as("member@demo.coop");
    await page.goto(`${t.app.base}/my/loans`);
    expect(await page.locator("main").textContent()).toContain("Preston Bike Kitchen");
    await page.context().close();
    const officer = await as("loans@demo.coop");
    await officer.goto(`${t.app.base}/loans`);
    expect(await officer.getByRole("img", { name: /Portfolio at risk over the last/ }).count()).toBe(1);
    expect(await officer.getByRole("region", { name: /PAR by month/ }).locator("tbody tr").count()).toBeGreaterThan(20);
    const csv = await officer.request.get(`${t.app.base}/loans/portfolio.csv`);
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split("\n")[0]).toContain("loan,borrower,local,status");
    await officer.context().close();
  });
});
