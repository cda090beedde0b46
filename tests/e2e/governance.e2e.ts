import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { appAndBrowser, logIn, seriousA11yFindings } from "./harness";


const t = appAndBrowser();

const OPEN_MOTION = "Allow general meetings to be held electronically";

async function openAgm(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Meetings/ }).click();
  await page.waitForURL(/\/meetings$/);
  await page.getByRole("link", { name: "Annual General Meeting 2026" }).click();
  await page.waitForURL(/\/meetings\/[0-9a-f-]{36}$/);
}

describe("governance in the browser", () => {
  let receipt = "";
  let motionUrl = "";

  it("lets a member vote, shows the receipt, and refuses a second vote", async () => {
    const page = await t.browser.newPage();
    await logIn(page, t.app.base, "member@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    await openAgm(page);
    expect(await seriousA11yFindings(page)).toEqual([]);
    await page.getByRole("link", { name: OPEN_MOTION }).click();
    await page.waitForURL(/\/motions\/[0-9a-f-]{36}$/);
    motionUrl = page.url();
    await expect.poll(() => page.getByText("Voted so far").count()).toBe(1);
    expect(await seriousA11yFindings(page)).toEqual([]);
    await page.getByLabel("For", { exact: true }).check();
    await page.getByRole("button", { name: "Cast my vote" }).click();
    await page.waitForURL(/receipt=/);
    receipt = new URL(page.url()).searchParams.get("receipt")!;
    expect(receipt).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await expect.poll(() => page.locator(".receipt-code").first().textContent()).toBe(receipt);
    expect(await page.getByText("You have voted on this motion").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Cast my vote" }).count()).toBe(0);
    expect(await seriousA11yFindings(page)).toEqual([]);
    // A second vote sent by hand (as a replayed form would) is refused and changes nothing.
    const again = await page.request.post(motionUrl, { form: { choice: "against" }, headers: { Origin: t.app.base }, maxRedirects: 0 });
    expect(again.status()).toBe(200);
    expect(await again.text()).toContain("You have already voted on this motion");
    // The receipt check finds the ballot without showing the choice.
    await page.goto(`${t.app.base}/receipts`);
    await page.getByLabel("Receipt code").fill(receipt);
    await page.getByRole("button", { name: "Check" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("is in the ballot box");
    expect(await page.locator("main").textContent()).not.toMatch(/\bFor\b|\bAgainst\b/);
    expect(await seriousA11yFindings(page)).toEqual([]);
    await page.close();
  });

  it("lets a member vote as proxy for another member", async () => {
    const page = await t.browser.newPage();
    await logIn(page, t.app.base, "member@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    await page.goto(motionUrl);
    await page.getByRole("link", { name: /Vote as proxy for 1 member/ }).click();
    await page.waitForURL(/proxy-votes$/);
    expect(await seriousA11yFindings(page)).toEqual([]);
    await page.getByLabel("Against").check();
    await page.getByRole("button", { name: /Cast proxy vote for/ }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("Proxy vote recorded");
    await expect.poll(() => page.getByText("Done: their proxy vote is recorded.").count()).toBe(1);
    await page.close();
  });

  it("lets the secretary close the motion (asked in a dialog, on a phone), and the certified result shows", async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 } });
    await logIn(page, t.app.base, "secretary@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    await page.goto(motionUrl);
    await page.getByRole("link", { name: "Manage voting" }).click();
    await page.waitForURL(/\/manage$/);
    expect(await seriousA11yFindings(page)).toEqual([]);
    // Once hydrated the no-JavaScript checkbox gives way to the dialog.
    await expect.poll(() => page.getByLabel("I understand this cannot be undone").count()).toBe(0);
    // The demo's AGM has not opened yet: closing now needs the reason, for the minutes.
    await page.getByLabel(/Why voting closes before the meeting opens/).fill("Electronic ballot ran its full notice period");
    const close = page.getByRole("button", { name: "Close voting and certify the result" });
    await close.click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // It fits a 390 px phone.
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/confirm-dialog-390.png` });
    expect(await dialog.textContent()).toContain(`Close voting on “${OPEN_MOTION}” and certify the result? This cannot be undone`);
    // Focus is in the dialog, on "No": Enter out of habit does not close the vote.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("No, go back");
    expect(await seriousA11yFindings(page)).toEqual([]);
    // Escape cancels: nothing is recorded and focus goes back to the button.
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Close voting and certify the result");
    expect(page.url()).toMatch(/\/manage$/);
    await page.reload();
    await expect.poll(() => page.locator(".badge.open").count()).toBe(1);
    await expect.poll(() => page.getByLabel("I understand this cannot be undone").count()).toBe(0);
    // Confirming records it.
    await page.getByLabel(/Why voting closes before the meeting opens/).fill("Electronic ballot ran its full notice period");
    await close.click();
    await page.getByRole("button", { name: "Yes, close voting" }).click();
    await page.waitForURL(/\/motions\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole("heading", { name: "Certified result" }).count()).toBe(1);
    const text = (await page.locator("main").textContent()) ?? "";
    expect(text).toContain("Reason recorded in the minutes: Electronic ballot ran its full notice period");
    expect(text).toMatch(/Carried|Not carried/);
    expect(text).toContain("special resolution needs at least 75%");
    expect(text).toMatch(/by proxy/);
    expect(await seriousA11yFindings(page)).toEqual([]);
    const pdf = await page.request.get(`${motionUrl}/result.pdf`);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    // The member's receipt now reads as counted.
    await page.goto(`${t.app.base}/receipts?code=${receipt}`);
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("counted in the certified result");
    await page.close();
  });

  it("shows the board election's round-by-round count sheet", async () => {
    const page = await t.browser.newPage();
    await logIn(page, t.app.base, "member@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    await openAgm(page);
    await page.getByRole("link", { name: "Election of three directors" }).click();
    await page.getByRole("link", { name: "Round-by-round count sheet" }).click();
    await page.waitForURL(/count-sheet$/);
    await expect.poll(() => page.locator("tbody tr").count()).toBeGreaterThan(1);
    expect(await seriousA11yFindings(page)).toEqual([]);
    await page.close();
  });

  it("takes a ranked ballot by keyboard", async () => {
    const sec = await t.browser.newPage();
    await logIn(sec, t.app.base, "secretary@demo.coop");
    await sec.waitForURL(/\/dashboard$/);
    await openAgm(sec);
    await sec.getByRole("link", { name: "Add an election" }).click();
    await sec.getByLabel("Title").fill("Election of the auditor panel");
    await sec.getByLabel("Seats (or winners)").fill("1");
    await sec.getByLabel(/Candidates or options/).fill("Asha\nBrian\nCerys");
    await sec.getByRole("button", { name: "Add the election" }).click();
    await sec.waitForURL(/\/elections\/[0-9a-f-]{36}$/);
    const electionUrl = sec.url();
    await sec.getByRole("link", { name: "Manage voting" }).click();
    await sec.getByRole("button", { name: "Open voting" }).click();
    await sec.waitForURL(/\/elections\//);
    await sec.close();

    const page = await t.browser.newPage();
    await logIn(page, t.app.base, "member@demo.coop");
    await page.waitForURL(/\/dashboard$/);
    await page.goto(electionUrl);
    await page.getByRole("button", { name: "Rank next: Cerys" }).waitFor();
    // Keyboard only: focus a button and press Enter/Space. After each press focus stays on a button that is
    // still there and enabled (the pressed one may have moved away or been disabled).
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.tagName);
    await page.getByRole("button", { name: "Rank next: Cerys" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(focused).toBe("Rank next: Brian");
    await page.getByRole("button", { name: "Rank next: Asha" }).focus();
    await page.keyboard.press("Space");
    await expect.poll(focused).toBe("Rank next: Brian");
    await page.getByRole("button", { name: "Move Asha up" }).focus();
    await page.keyboard.press("Enter");
    // At the top "Up" is disabled: focus is on Asha's "Down", not lost to the page.
    await expect.poll(focused).toBe("Move Asha down");
    await page.getByRole("button", { name: "Rank next: Brian" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(focused).toBe("Remove Brian");
    await page.keyboard.press("Enter");
    // Brian's Remove went with him: focus is on the Remove button before it.
    await expect.poll(focused).toBe("Remove Cerys");
    const order = await page.locator("ol.ranked-list li .rank-label").allTextContents();
    expect(order.map((t) => t.replace(/^\d+\.\s*/, "").trim())).toEqual(["Asha", "Cerys"]);
    expect(await seriousA11yFindings(page)).toEqual([]);
    await page.getByRole("button", { name: "Cast my ballot" }).click();
    await page.waitForURL(/receipt=/);
    await expect.poll(() => page.getByText("You have voted in this election").count()).toBe(1);
    await page.close();
  });
});
