import { describe, expect, it } from "vitest";
import { appAndBrowser, logIn, seriousA11yFindings } from "./harness";


const t = appAndBrowser();

describe("log-in and navigation", () => {
  it("logs in as the secretary and shows the register", async () => {
    const page = await t.browser.newPage();
    await logIn(page, t.app.base, "secretary@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("Welcome, Sam Secretary");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Members", exact: true }).click();
    await page.waitForURL(/\/members$/);
    // The URL changes before the new page has rendered: wait for the rows.
    await expect.poll(() => page.locator("tbody tr").count()).toBe(25);
    await page.getByLabel("Name or member number").fill("1");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/q=1/);
    await expect.poll(() => page.locator("tbody tr").count()).toBe(1);
    await page.close();
  });

  it("refuses a wrong password with a clear message", async () => {
    const page = await t.browser.newPage();
    await logIn(page, t.app.base, "secretary@demo.coop", "wrong-password-123");
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("That email and password do not match an account.");
    expect(page.url()).toContain("/login");
    await page.close();
  });

  it("switches organisation", async () => {
    const page = await t.browser.newPage();
    await logIn(page, t.app.base, "owner@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    const select = page.getByLabel("Organisation");
    const before = await select.evaluate((el: HTMLSelectElement) => el.options[el.selectedIndex].text);
    const other = before.includes("Bakery") ? "Lancashire Community Bank" : "Preston Bakery Workers' Co-operative";
    await select.selectOption({ label: other });
    await page.getByRole("button", { name: "Switch" }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain(other);
    await page.close();
  });

  it("refuses a member the register and hides it from their menu", async () => {
    const page = await t.browser.newPage();
    await logIn(page, t.app.base, "member@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    // The member's menu has rendered (it has their own page) and has no register.
    await expect.poll(() => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My membership" }).count()).toBe(1);
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Members", exact: true }).count()).toBe(0);
    const res = await page.goto(`${t.app.base}/members`);
    expect(res?.status()).toBe(403);
    expect(await page.locator("main").textContent()).toContain("You don't have access to this page");
    await page.close();
  });

  it("lets a person reset a forgotten password through the emailed link", async () => {
    const page = await t.browser.newPage();
    await page.goto(`${t.app.base}/forgot-password`);
    await page.getByLabel("Email").fill("auditor@demo.coop");
    await page.getByRole("button", { name: "Email me a link" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("If that address has an account");
    if (t.app.mailbox) {
      // Production: no /dev/mail (it is not found); the link arrives by SMTP, as it would in the person's inbox.
      expect((await page.goto(`${t.app.base}/dev/mail`))?.status()).toBe(404);
      await page.goto(await t.app.mailbox.find("auditor@demo.coop", /https?:\/\/\S+\/reset-password\/\S+/));
    } else {
      await page.goto(`${t.app.base}/dev/mail`);
      await page.getByRole("link", { name: /reset-password/ }).first().click();
    }
    await page.getByLabel("New password", { exact: true }).fill("a fresh password 2026");
    await page.getByLabel("Repeat the new password").fill("a fresh password 2026");
    await page.getByRole("button", { name: "Save password" }).click();
    await page.waitForURL(/\/login/);
    await logIn(page, t.app.base, "auditor@demo.coop", "a fresh password 2026");
    await page.waitForURL(/\/dashboard$/);
    await page.close();
  });
});

describe("accessibility", () => {
  const pages: [string, string | null][] = [
    ["/login", null],
    ["/forgot-password", null],
    ["/dashboard", "secretary@demo.coop"],
    ["/members", "secretary@demo.coop"],
    ["/members/new", "secretary@demo.coop"],
    ["/meetings", "secretary@demo.coop"],
    ["/users", "secretary@demo.coop"],
    ["/settings", "secretary@demo.coop"],
    ["/account", "secretary@demo.coop"],
    ["/audit", "board@demo.coop"],
    ["/dashboard", "member@demo.coop"],
    ["/my", "member@demo.coop"],
    ["/my/transfer", "member@demo.coop"],
  ];
  it("has no serious or critical axe findings on the main pages, on desktop and phone widths", async () => {
    const findings: string[] = [];
    for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
      const context = await t.browser.newContext({ viewport });
      const page = await context.newPage();
      let current: string | null = null;
      for (const [path, who] of pages) {
        if (who !== current) {
          await context.clearCookies();
          if (who) {
            await logIn(page, t.app.base, who);
            await page.waitForURL(/\/dashboard$/);
          }
          current = who;
        }
        await page.goto(t.app.base + path);
        for (const f of await seriousA11yFindings(page)) findings.push(`${viewport.width}px ${path}: ${f}`);
        if (path === "/members") {
          const first = page.locator("tbody a").first();
          await first.click();
          await page.waitForURL(/\/members\/[0-9a-f-]{36}$/);
          for (const f of await seriousA11yFindings(page)) findings.push(`${viewport.width}px member page: ${f}`);
        }
        if (path === "/meetings") {
          // A meeting's page as the secretary sees it: facts, the notice form, motions, proxies, minutes.
          await page.locator("tbody a").first().click();
          await page.waitForURL(/\/meetings\/[0-9a-f-]{36}$/);
          for (const f of await seriousA11yFindings(page)) findings.push(`${viewport.width}px meeting page: ${f}`);
        }
      }
      await context.close();
    }
    expect(findings).toEqual([]);
  }, 240_000); // 2 widths x 15 pages, each scanned by axe: over the minute on a busy machine
});
