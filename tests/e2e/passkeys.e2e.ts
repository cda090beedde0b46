import { describe, expect, it } from "vitest";
import { appAndBrowser, logIn } from "./harness";

const t = appAndBrowser();

describe("passkeys in Chromium (a virtual authenticator)", () => {
  it("adds a passkey from the account page, then logs in with it as the second step", async () => {
    const page = await t.browser.newPage();
    // Chromium's virtual authenticator (DevTools protocol): a platform authenticator that says yes.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });

    await logIn(page, t.app.base, "loans@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    await page.goto(`${t.app.base}/account/two-factor`);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await expect.poll(() => page.getByText("Passkey added.").count()).toBe(1);
    await expect.poll(() => page.getByRole("list", { name: "Recovery codes" }).locator("li").count()).toBe(10);

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login$/);
    await logIn(page, t.app.base, "loans@demo.coop");
    await page.waitForURL(/\/login\/two-factor$/);
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await page.waitForURL(/\/dashboard$/);
    await page.close();
  });
});
