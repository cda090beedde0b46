import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { appAndBrowser, logIn, seriousA11yFindings } from "./harness";


const t = appAndBrowser();

describe("community wealth", () => {
  it("opens the impact dashboard and downloads a figure as CSV", async () => {
    const context = await t.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await logIn(page, t.app.base, "board@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    await page.goto(`${t.app.base}/impact`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Community wealth");
    expect(await page.getByRole("img", { name: /Share capital in total and held by local members/ }).count()).toBe(1);
    expect(await page.getByRole("table", { name: "Share capital at each month end" }).locator("tbody tr").count()).toBe(24);
    expect(await seriousA11yFindings(page)).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV of share capital held by local members" }).click()]);
    expect(download.suggestedFilename()).toMatch(/-capital-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await download.path())!, "utf8").trim().split("\n");
    expect(lines[0]).toBe("month_end,share_capital,held_by_local_members,local_percent");
    expect(lines).toHaveLength(25);
    // An earlier date redraws every figure as at that day.
    await page.getByLabel("As at").fill("2025-06-30");
    await page.getByRole("button", { name: "Show figures" }).click();
    await page.waitForURL(/asAt=2025-06-30/);
    // Written for people (issue #16): the same day, in the organisation's words, its ISO form in the <time>.
    await expect.poll(() => page.locator("main").textContent()).toContain("Figures at the end of 30 June 2025");
    expect(await page.locator("main time[datetime='2025-06-30']").first().textContent()).toBe("30 June 2025");
    await context.close();
  });

  it("hydrates the dashboard without errors, draws the charts, and follows a link clicked as soon as it loads", async () => {
    const page = await t.browser.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await logIn(page, t.app.base, "board@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    errors.length = 0;
    await page.goto(`${t.app.base}/impact`);
    // The drawings appear once React has hydrated the page (they are drawn in the browser only).
    await page.locator(".chart svg.recharts-surface").first().waitFor({ timeout: 20_000 });
    expect(await page.locator(".chart svg.recharts-surface").count()).toBeGreaterThanOrEqual(5);
    expect(errors).toEqual([]);
    // A link clicked straight after the load is followed (no re-render throwing the markup away under the click).
    await page.goto(`${t.app.base}/impact`, { waitUntil: "domcontentloaded" });
    await page.getByRole("link", { name: "Anchor procurement" }).click();
    await page.waitForURL(/\/procurement$/, { timeout: 20_000 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("uploads anchor spend, refusing a bad file with its lines, and shows the local share", async () => {
    const page = await t.browser.newPage();
    await logIn(page, t.app.base, "secretary@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    await page.goto(`${t.app.base}/procurement`);
    await page.getByLabel("Name").fill("Lancashire Teaching Hospitals");
    await page.getByLabel("Kind of institution").selectOption("hospital");
    await page.getByRole("button", { name: "Add institution" }).click();
    await page.waitForURL(/\/procurement\/[0-9a-f-]{36}$/);

    const file = (text: string) => ({ name: "spend.csv", mimeType: "text/csv", buffer: Buffer.from(text) });
    await page.getByLabel("Supplier spend file (CSV)").setInputFiles(file("supplier,postcode,amount,period\nGood,PR1 2AB,10.00,2026-01\nTypo,PR1 2A,10.00,2026-01\n"));
    await page.getByRole("button", { name: "Upload spend" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("Nothing was saved: 1 problem");
    expect(await page.getByRole("table", { name: "Problems in the file" }).textContent()).toContain("3postcodebad postcode");

    await page
      .getByLabel("Supplier spend file (CSV)")
      .setInputFiles(file("supplier,postcode,amount,period,category\nPreston Veg,PR1 2AB,250.00,2026-01,Food\nBlackburn Linen,BB1 1AA,250.00,2026-01,Laundry\nLondon Linen,EC1A 1BB,500.00,2026-01,Laundry\n"));
    await page.getByRole("button", { name: "Upload spend" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("Saved 3 spend lines totalling £1,000.00");
    const row = page.getByRole("table", { name: "Spend by period" }).locator("tbody tr").first();
    expect((await row.textContent())?.replace(/\s+/g, " ")).toContain("2026-01£1,000.00£250.00");
    expect(await page.getByRole("table", { name: "Non-local spend by category" }).locator("tbody tr").first().textContent()).toContain("Laundry");
    expect(await seriousA11yFindings(page)).toEqual([]);
    await page.close();
  });

  it("works out LM3 with the method shown", async () => {
    const page = await t.browser.newPage();
    await logIn(page, t.app.base, "owner@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    await page.goto(`${t.app.base}/lm3`);
    await page.getByLabel("Study name").fill("E2E example");
    await page.getByLabel("Period from").fill("2025-04-01");
    await page.getByLabel("Period to").fill("2026-03-31");
    await page.getByLabel("R1: income in the period (£)").fill("100000");
    await page.getByLabel("R2: spent with local suppliers (£)").fill("40000");
    await page.getByLabel("R2: paid to staff who live locally (£)").fill("20000");
    await page.getByLabel("R3: local re-spend by those suppliers and staff (£)").fill("24000");
    await page.getByRole("button", { name: "Calculate", exact: true }).click();
    await expect.poll(() => page.getByRole("heading", { level: 2, name: /LM3 =/ }).textContent()).toBe("LM3 = 1.84");
    expect(await page.locator(".method").first().textContent()).toContain("÷ £100,000.00 = 1.84");
    expect(await seriousA11yFindings(page)).toEqual([]);
    await page.close();
  });

  it("shows members the summary but not the dashboard", async () => {
    const page = await t.browser.newPage();
    await logIn(page, t.app.base, "member@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    expect((await page.goto(`${t.app.base}/impact`))?.status()).toBe(403);
    expect((await page.goto(`${t.app.base}/impact/summary`))?.status()).toBe(200);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Our community impact");
    expect(await page.locator("main").textContent()).toContain("Share capital held locally");
    expect(await seriousA11yFindings(page)).toEqual([]);
    await page.close();
  });
});
