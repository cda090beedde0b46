/**
 * Issue #16 (rough 1): at phone width (375 x 740) the charts of the community
 * wealth dashboard, the procurement pages and the lending portfolio fit their
 * boxes (no drawing or axis label cut off), the page never scrolls sideways,
 * and People & roles can be used: every person's role boxes and Save button
 * sit on the screen, not off to the right of a table. The header folds its
 * navigation behind a "Menu" switch, which opens by keyboard and without
 * JavaScript.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appAndBrowser, logIn, seriousA11yFindings } from "./harness";

const t = appAndBrowser();
const PHONE = { width: 375, height: 740 };
const BANK = "Lancashire Community Bank";

async function enter(email: string, org: string | null): Promise<Page> {
  const context = await t.browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await logIn(page, t.app.base, email);
  await page.waitForURL(/\/dashboard$/);
  // The signed-in header (its account part is folded into the menu at this width).
  await page.locator(".site-header .who").waitFor({ state: "attached" });
  const select = page.getByLabel("Organisation");
  if (org && (await select.evaluate((el: HTMLSelectElement) => el.options[el.selectedIndex].text)) !== org) {
    await page.locator(".menu-toggle summary").click();
    await select.selectOption({ label: org });
    await page.getByRole("button", { name: "Switch" }).click();
    await expect.poll(() => select.evaluate((el: HTMLSelectElement) => el.options[el.selectedIndex].text)).toBe(org);
  }
  return page;
}

/** How far the page is wider than the screen (0 when it does not scroll sideways). */
const sideways = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

/**
 * Every drawing on the page, once drawn: its picture and each of its texts (axis ticks, legend) that lies
 * outside the chart's box (the box clips it: a label cut off). Empty lists when everything fits.
 */
async function chartsOutsideTheirBox(page: Page, count: number) {
  // The drawing's own svg (a legend draws a small svg of the same class for each of its items).
  await expect.poll(() => page.locator(".chart .recharts-wrapper > svg.recharts-surface").count(), { timeout: 20_000 }).toBe(count);
  return page.evaluate(() =>
    [...document.querySelectorAll(".chart")].map((chart) => {
      const box = chart.getBoundingClientRect();
      const outside = (r: DOMRect) => r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.left < 0 || r.right > window.innerWidth);
      const svg = chart.querySelector(".recharts-wrapper > svg.recharts-surface")!;
      const texts = [...chart.querySelectorAll("svg text")].filter((t) => outside(t.getBoundingClientRect())).map((t) => t.textContent);
      const legend = [...chart.querySelectorAll(".recharts-legend-item")].filter((t) => outside(t.getBoundingClientRect())).map((t) => t.textContent);
      return { chart: chart.getAttribute("aria-label")!.slice(0, 40), svg: outside(svg.getBoundingClientRect()), cut: [...texts, ...legend] };
    }),
  );
}

const allInside = (charts: { chart: string }[]) => charts.map((c) => ({ chart: c.chart, svg: false, cut: [] }));

describe("at phone width", () => {
  it("draws the community wealth charts inside their boxes, and the page does not scroll sideways", async () => {
    const page = await enter("board@demo.coop", BANK);
    await page.goto(`${t.app.base}/impact`);
    const charts = await chartsOutsideTheirBox(page, 7);
    expect(charts).toEqual(allInside(charts));
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    // The sector chart's bars have room: the drawing is as wide as its box, not a fixed width clipped by it.
    const sector = page.getByRole("img", { name: /by the borrower's sector/ });
    const [boxWidth, svgWidth] = await sector.evaluate((el) => [el.getBoundingClientRect().width, el.querySelector("svg")!.getBoundingClientRect().width]);
    expect(svgWidth).toBeGreaterThan(boxWidth - 2);
    expect(svgWidth).toBeLessThanOrEqual(boxWidth + 1);
    await page.context().close();
  });

  it("draws the procurement charts inside their boxes", async () => {
    const page = await enter("board@demo.coop", BANK);
    await page.goto(`${t.app.base}/procurement`);
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await page.locator("main a[href^='/procurement/']").first().click();
    await page.waitForURL(/\/procurement\/[0-9a-f-]{36}$/);
    const charts = await chartsOutsideTheirBox(page, 2);
    expect(charts).toEqual(allInside(charts));
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });

  it("shows the whole of the PAR chart's axis labels", async () => {
    const page = await enter("loans@demo.coop", null);
    await page.goto(`${t.app.base}/loans`);
    const charts = await chartsOutsideTheirBox(page, 1);
    expect(charts).toEqual(allInside(charts));
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });

  it("lets the owner change a person's roles on People & roles", async () => {
    const page = await enter("owner@demo.coop", BANK);
    await page.goto(`${t.app.base}/users`);
    await page.getByRole("heading", { level: 1, name: "People & roles" }).waitFor();
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    // Every control of every person is on the screen as laid out: none off to the right of a box that scrolls.
    const offScreen = await page.evaluate(() =>
      [...document.querySelectorAll("main form[aria-label^='Roles of'] :is(label, input[type=checkbox], button)")]
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.left < 0 || r.right > window.innerWidth || r.width === 0)
        .map(({ el }) => `${el.closest("form")!.getAttribute("aria-label")}: ${el.tagName} ${(el as HTMLInputElement).value || el.textContent}`),
    );
    expect(await page.locator("main form[aria-label^='Roles of'] input[type=checkbox]").count()).toBeGreaterThan(10);
    expect(offScreen).toEqual([]);
    expect(await seriousA11yFindings(page)).toEqual([]);
    // And they work: tick (or untick) a role, save, and the change is kept.
    const bola = page.getByRole("form", { name: "Roles of Bola Board" });
    const auditor = bola.getByRole("checkbox", { name: "Auditor" });
    const before = await auditor.isChecked();
    await auditor.click();
    await bola.getByRole("button", { name: /Save roles/ }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("Roles saved.");
    await page.reload();
    expect(await page.getByRole("form", { name: "Roles of Bola Board" }).getByRole("checkbox", { name: "Auditor" }).isChecked()).toBe(!before);
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });

  it("folds the header's navigation behind Menu, which the keyboard opens, with the decisions waiting on it", async () => {
    const context = await t.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await logIn(page, t.app.base, "owner@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    const header = page.locator(".site-header");
    // By its label, not its role: folded away, it is not in the accessibility tree.
    const nav = page.locator("nav[aria-label='Main']");
    const toggle = page.locator(".menu-toggle summary");
    // Folded: the header is one short row, the links are in the page but not shown.
    expect((await header.boundingBox())!.height).toBeLessThanOrEqual(120);
    expect(await nav.isVisible()).toBe(false);
    // In the page, for whatever reads the links (the crawl, the bench), though hidden.
    expect(await nav.locator("a[href]").count()).toBeGreaterThan(8);
    expect(await toggle.getAttribute("aria-controls")).toBe("site-menu");
    // Said once the page is hydrated (before, the browser's own <details> semantics say it).
    await expect.poll(() => toggle.getAttribute("aria-expanded")).toBe("false");
    // The decisions waiting (the badges beside the links) show as one total on the switch, and are said in words.
    const badges = await nav.locator(".nav-count").allTextContents();
    const total = badges.reduce((n, b) => n + Number(b), 0);
    expect(total).toBeGreaterThan(0);
    expect(await toggle.locator(".nav-count").textContent()).toBe(String(total));
    expect((await toggle.textContent())?.replace(/\s+/g, " ")).toContain(`Menu${total} (${total} waiting for your decision)`);
    // By keyboard: from the brand, Tab reaches the switch; Enter opens it.
    await page.locator(".site-header .brand").focus();
    await page.keyboard.press("Tab");
    expect(await toggle.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(() => nav.isVisible()).toBe(true);
    // The details opens at once; its toggle event (which React turns into aria-expanded) comes a task later.
    await expect.poll(() => toggle.getAttribute("aria-expanded")).toBe("true");
    for (const name of ["Dashboard", "Members", "Lending", "Settings"]) expect(await nav.getByRole("link", { name, exact: true }).isVisible(), name).toBe(true);
    expect(await page.getByRole("button", { name: "Log out" }).isVisible()).toBe(true);
    expect(await seriousA11yFindings(page)).toEqual([]);
    // Tab goes on into the links; following one folds the menu again on the next page.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Dashboard");
    await nav.getByRole("link", { name: "Members", exact: true }).click();
    await page.waitForURL(/\/members$/);
    await expect.poll(() => nav.isVisible()).toBe(false);
    await expect.poll(() => toggle.getAttribute("aria-expanded")).toBe("false");
    // Space closes it as Enter opened it.
    await toggle.focus();
    await page.keyboard.press(" ");
    await expect.poll(() => nav.isVisible()).toBe(true);
    await page.keyboard.press(" ");
    await expect.poll(() => nav.isVisible()).toBe(false);
    // On a wide screen there is no switch: the navigation shows as a row.
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await toggle.isVisible()).toBe(false);
    expect(await nav.isVisible()).toBe(true);
    await context.close();
  });

  it("opens the menu without JavaScript", async () => {
    const context = await t.browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await logIn(page, t.app.base, "owner@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    const nav = page.locator("nav[aria-label='Main']");
    expect(await nav.isVisible()).toBe(false);
    await page.locator(".menu-toggle summary").click();
    expect(await nav.isVisible()).toBe(true);
    expect(await nav.getByRole("link", { name: "Members", exact: true }).isVisible()).toBe(true);
    await context.close();
  });
});
