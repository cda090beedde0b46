import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP } from "@oslojs/otp";
import { describe, expect, it } from "vitest";
import { totpAt, totpStep } from "~/domain/totp";
import { appAndBrowser, logIn, seriousA11yFindings } from "./harness";

const t = appAndBrowser();

describe("two-factor log-in in Chromium", () => {
  it("sets up an authenticator, shows the recovery codes once, then asks for a code at the next log-in", async () => {
    const page = await t.browser.newPage();
    await logIn(page, t.app.base, "auditor@demo.coop");
    await page.waitForURL(/\/dashboard$/);

    await page.goto(`${t.app.base}/account/two-factor`);
    await expect.poll(() => page.getByRole("heading", { name: "Set up an authenticator app" }).count()).toBe(1);
    expect(await page.getByRole("img", { name: /QR code/ }).count()).toBe(1);
    expect(await seriousA11yFindings(page)).toEqual([]);
    const key = decodeBase32IgnorePadding((await page.locator(".totp-secret").textContent())!.replace(/\s/g, ""));
    await page.getByLabel("Code from your app").fill(totpAt(key, new Date()));
    await page.getByRole("button", { name: "Turn on two-factor log-in" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Recovery codes" }).locator("li").count()).toBe(10);
    const recovery = (await page.getByRole("list", { name: "Recovery codes" }).locator("li").first().textContent())!.trim();

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login$/);
    await logIn(page, t.app.base, "auditor@demo.coop");
    await page.waitForURL(/\/login\/two-factor$/);
    expect(await seriousA11yFindings(page)).toEqual([]);
    await page.getByLabel("Code").fill("000000" === totpAt(key, new Date()) ? "111111" : "000000");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("That code is not right");
    // The code the app shows next (the one used to set it up cannot be used again).
    await page.getByLabel("Code").fill(generateHOTP(key, totpStep(new Date()) + 1n, 6));
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(/\/dashboard$/);

    // A recovery code works too, once.
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login$/);
    await logIn(page, t.app.base, "auditor@demo.coop");
    await page.waitForURL(/\/login\/two-factor$/);
    await page.getByLabel("Code").fill(recovery);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(/\/dashboard$/);
    await page.close();
  });
});
