/**
 * Share capital end to end, in Chromium against the seeded demo: apply ->
 * admit -> buy by card (Stripe's signed webhook from this test, with the
 * Stripe API faked locally) -> the holding and the register show it ->
 * give notice -> the board lifts a suspension -> paid after notice.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { appAndBrowser, logIn, seriousA11yFindings } from "./harness";

const WEBHOOK_SECRET = "whsec_e2e_secret";
const BAKERY = "Preston Bakery Workers' Co-operative";
let fake: Server;
let fakeBase = "";
const sessions: { id: string; body: URLSearchParams }[] = [];

beforeAll(async () => {
  fake = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/v1/checkout/sessions") {
        const body = new URLSearchParams(raw);
        const id = `cs_e2e_${sessions.length + 1}`;
        sessions.push({ id, body });
        const amount = Number(body.get("line_items[0][price_data][unit_amount]")) * Number(body.get("line_items[0][quantity]"));
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ id, object: "checkout.session", url: `${fakeBase}/pay/${id}`, amount_total: amount, client_reference_id: body.get("client_reference_id"), metadata: { paymentId: body.get("metadata[paymentId]") }, payment_status: "unpaid" }));
        return;
      }
      res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><html lang=en><title>Fake checkout</title><main><h1>Fake Stripe checkout</h1></main></html>");
    });
  });
  await new Promise<void>((r) => fake.listen(0, "127.0.0.1", () => r()));
  fakeBase = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => fake?.close(r));
});
// Registered after the fake's hooks: starts once fakeBase is known, and (after-hooks run in
// reverse) stops before the fake closes.
const t = appAndBrowser(() => ({ STRIPE_SECRET_KEY: "sk_test_e2e", STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: fakeBase }));

async function signIn(email: string) {
  const page = await t.browser.newPage();
  await logIn(page, t.app.base, email);
  await page.waitForURL(/\/dashboard$/);
  const select = page.getByLabel("Organisation");
  const current = await select.evaluate((el: HTMLSelectElement) => el.options[el.selectedIndex].text);
  if (!current.includes("Bakery")) {
    await select.selectOption({ label: BAKERY });
    await page.getByRole("button", { name: "Switch" }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain(BAKERY);
  }
  return page;
}

async function noSeriousA11y(page: Page) {
  expect(await seriousA11yFindings(page), page.url()).toEqual([]);
}

function yesterday() {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

describe("share capital in the browser", () => {
  it("apply -> admit -> buy by signed webhook -> holding and register -> withdraw after notice", async () => {
    // The secretary adds a class with no notice period, so the withdrawal falls due today.
    const secretary = await signIn("secretary@demo.coop");
    await secretary.goto(`${t.app.base}/shares/classes/new`);
    await secretary.getByLabel("Name").fill("Oven Fund Shares");
    await secretary.getByLabel("Par value (price of one share)").fill("5.00");
    await secretary.getByLabel("Minimum holding for membership (shares)").fill("0");
    await secretary.getByLabel("Withdrawal notice (days)").fill("0");
    await secretary.getByRole("button", { name: "Add share class" }).click();
    await secretary.waitForURL(/\/shares$/);
    await expect.poll(() => secretary.locator("main").textContent()).toContain("Oven Fund Shares");
    await noSeriousA11y(secretary);

    // A visitor applies on the public page.
    const visitor = await t.browser.newPage();
    await visitor.goto(`${t.app.base}/join/preston-bakery`);
    await noSeriousA11y(visitor);
    await visitor.getByLabel("Full name (or organisation name)").fill("Rosa Parkinson");
    await visitor.getByLabel("Email").fill("rosa@example.org");
    await visitor.getByLabel("Address").fill("9 Friargate, Preston");
    await visitor.getByLabel("Postcode").fill("PR1 2EE");
    await visitor.getByLabel("Shares", { exact: true }).selectOption({ label: "Oven Fund Shares: £5.00 each, at least 0" });
    await visitor.getByLabel("Number of shares applied for").fill("4");
    await visitor.getByRole("button", { name: "Apply to join" }).click();
    await expect.poll(() => visitor.getByRole("alert").first().textContent()).toContain("Tick every declaration");
    for (const box of await visitor.getByRole("checkbox").all()) await box.check();
    await visitor.getByRole("button", { name: "Apply to join" }).click();
    await expect.poll(() => visitor.locator("main").textContent()).toContain("your application has been received");

    // The secretary admits: number, shares, certificate.
    await secretary.goto(`${t.app.base}/shares/applications`);
    await noSeriousA11y(secretary);
    await secretary.getByRole("button", { name: "Admit Rosa Parkinson" }).click();
    await expect.poll(() => secretary.locator("main").textContent()).toMatch(/Admitted as member no\. \d+; certificate no\. \d+ issued/);
    await secretary.goto(`${t.app.base}/register?q=rosa`);
    await expect.poll(() => secretary.locator("tbody").textContent()).toContain("£20.00");

    // The demo member buys by card: nothing changes until Stripe's signed webhook arrives.
    const member = await signIn("member@demo.coop");
    await member.goto(`${t.app.base}/my/buy`);
    await noSeriousA11y(member);
    await member.getByLabel("Share class").selectOption({ label: "Oven Fund Shares (£5.00 each)" });
    await member.getByLabel("Number of shares").fill("3");
    await member.getByRole("button", { name: "Continue to card payment" }).click();
    await member.waitForURL(/\/pay\/cs_e2e_1$/);
    const session = sessions[0];
    await member.goto(`${t.app.base}/my`);
    expect(await member.getByRole("region", { name: "Holdings by share class" }).textContent()).not.toContain("Oven Fund Shares");
    const payload = JSON.stringify({ id: "evt_e2e_1", object: "event", type: "checkout.session.completed", created: Math.floor(Date.now() / 1000), data: { object: { id: session.id, object: "checkout.session", payment_status: "paid", status: "complete", amount_total: 1500, client_reference_id: session.body.get("client_reference_id"), metadata: { paymentId: session.body.get("metadata[paymentId]") } } } });
    const hook = await fetch(`${t.app.base}/webhooks/stripe`, { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) }, body: payload });
    expect(hook.status).toBe(200);
    await member.goto(session.body.get("success_url")!);
    const holdings = member.getByRole("region", { name: "Holdings by share class" });
    await expect.poll(() => holdings.textContent()).toContain("Oven Fund Shares");
    expect(await holdings.locator("tr", { hasText: "Oven Fund Shares" }).textContent()).toContain("£15.00");
    await noSeriousA11y(member);
    const memberName = (await member.locator("main p").first().textContent())!.split(" · ")[0];
    await secretary.goto(`${t.app.base}/register?q=${encodeURIComponent(memberName)}`);
    await expect.poll(() => secretary.locator("tbody").textContent()).toContain("Oven Fund Shares: 3");
    await noSeriousA11y(secretary);

    // Notice of withdrawal; the society-wide suspension holds it; the board lifts it; the secretary pays.
    await member.goto(`${t.app.base}/my/withdraw`);
    await member.getByLabel("Share class").selectOption({ label: "Oven Fund Shares: 3 held, 0 days' notice" });
    await member.getByLabel("Number of shares to withdraw").fill("3");
    await member.getByRole("button", { name: "Give notice of withdrawal" }).click();
    await member.waitForURL(/\/my\?notice=1$/);
    await expect.poll(() => member.getByRole("region", { name: "Withdrawal notices" }).textContent()).toContain("suspended by the board");

    const board = await signIn("board@demo.coop");
    await board.goto(`${t.app.base}/shares/suspensions`);
    await noSeriousA11y(board);
    await board.getByLabel("Last day").first().fill(yesterday());
    await board.getByRole("button", { name: "Resume withdrawals" }).first().click();
    await expect.poll(() => board.locator("main").textContent()).toContain("Withdrawals resumed.");

    await secretary.goto(`${t.app.base}/shares/withdrawals`);
    await noSeriousA11y(secretary);
    await secretary.getByRole("button", { name: "Pay due withdrawals in order of notice" }).click();
    await expect.poll(() => secretary.locator("main").textContent()).toMatch(/Paid \d+ withdrawals? in order of notice/);
    await member.goto(`${t.app.base}/my`);
    expect(await member.getByRole("region", { name: "Holdings by share class" }).textContent()).not.toContain("Oven Fund Shares");
    expect(await member.getByRole("region", { name: "Share transactions" }).locator("tr", { hasText: "Withdrawal" }).first().textContent()).toContain("£15.00");
    expect(await member.getByRole("region", { name: "Withdrawal notices" }).textContent()).toContain("paid");
  }, 180_000);
});
