/**
 * Every journey without a dead end (issue #16): for every demo login, in every
 * organisation it belongs to, the crawl starts at the dashboard and follows
 * the same-origin links breadth-first (one page per route pattern: ids are
 * collapsed, so /members/1 and /members/2 count once). Each page is loaded
 * once and checked at both widths, desktop (1280 px) and phone (390 px): the
 * viewport is resized in between (the app's layout is CSS alone, so a resized
 * page lays out as one loaded at that width). Pages are loaded at the two
 * widths in turn, so half of them also render and hydrate at phone width.
 * A page fails on
 *   - a 4xx/5xx response (the page or anything it loads),
 *   - a console error or an uncaught exception,
 *   - a serious or critical axe-core finding, at either width,
 *   - a document slower than 500 ms to serve (a slow page is measured again,
 *     with the other crawls paused, up to three times: the first visit may
 *     warm a cache, and a busy machine may hold up one load),
 *   - content wider than the viewport (sideways scrolling of the whole page), at either width.
 * Each page's time is printed (per login and organisation, slowest first).
 * Downloads (CSV, PDF, ICS, BLT) are fetched with the session cookie and must
 * answer 200 with their content type. The audit chain of each organisation
 * must not grow while the crawl runs: no GET changes state. Finally, a
 * person whose active organisation is the other one gets 404 for sample
 * pages of the first.
 *
 * The logins are crawled CRAWL_CONCURRENCY at a time (2 by default, one
 * browser context each): the server and the browser overlap their work.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DEMO_LOGINS } from "../../scripts/seed";
import { appAndBrowser, logIn, seriousA11yFindings } from "./harness";

const t = appAndBrowser();

const ORGS = { bakery: "Preston Bakery Workers' Co-operative", bank: "Lancashire Community Bank" } as const;
type Org = keyof typeof ORGS;
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/** Server time for a page's document. CRAWL_SLOW_MS raises it only on a machine busy with other work; CI keeps 500. */
const SLOW_MS = Number(process.env.CRAWL_SLOW_MS ?? 500);
/** Distinct route patterns per login and organisation: enough for every page any role reaches today. */
const MAX_PAGES = 80;

/** A download's address ends in its kind (/register.csv, /impact/csv): the content type it must answer with. */
const DOWNLOADS: [RegExp, RegExp][] = [
  [/[./]csv$/, /^text\/csv/],
  [/[./]pdf$/, /^application\/pdf/],
  [/[./]ics$/, /^text\/calendar/],
  [/[./]blt$/, /^text\/plain/],
  // A lending document the loan officer uploaded: whatever type it was uploaded as.
  [/^\/documents\/(?!upload$)[^/]+$/, /./],
];

/** Links that are not pages to crawl. */
function skip(path: string): string | null {
  if (path === "/logout") return "log-out";
  // The mail a development server sent: a developer's tool, not a journey (shown only with DEV_TOOLS).
  if (path.startsWith("/dev/")) return "developer tool";
  return null;
}

const ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+|[A-Za-z0-9_-]{20,})$/;
/** /members/3f…/edit?page=2 → /members/:id/edit?page */
export function routePattern(url: URL): string {
  const path = url.pathname.split("/").map((s) => (ID.test(s) ? ":id" : s)).join("/");
  const keys = [...new Set(url.searchParams.keys())].sort();
  return keys.length ? `${path}?${keys.join("&")}` : path;
}

/** Pages anyone with the address may see (a public page, a calendar feed): not organisation data behind a login. */
const PUBLIC = /^\/(p|join|calendar|invitation|unlock|reset-password)\//;

/** A page crawled, with its document's times in ms (see timings()). */
interface Visit extends Times { url: string; pattern: string }
/** Problems are also printed as they are found, so a long run shows them before it ends. */
class Problems extends Array<string> {
  override push(...items: string[]) {
    for (const item of items) console.log(`crawl problem: ${item}`);
    return super.push(...items);
  }
}
interface Watch { problems: string[]; current: string; who: string }

/** Reports failed responses, console errors and page errors on `page` into `watch.problems`. */
function watchPage(page: Page, watch: Watch, label: string) {
  page.on("response", (res) => {
    if (res.status() >= 400) watch.problems.push(`${label} ${watch.current}: ${res.status()} for ${res.url()}`);
  });
  page.on("requestfailed", (req) => {
    // A navigation that another one replaced is not a failure of the app.
    if (req.failure()?.errorText === "net::ERR_ABORTED") return;
    watch.problems.push(`${label} ${watch.current}: request failed ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") watch.problems.push(`${label} ${watch.current}: console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => watch.problems.push(`${label} ${watch.current}: uncaught ${err.message}`));
}

/** A page's times in ms: server and load (see timings()), and the first server time when the page was measured twice. */
interface Times { server: number; load: number; first?: number }

/**
 * Crawls run side by side, so a page's server time includes waiting for the
 * CPU while other crawls load and scan their pages. Each visit holds the gate
 * shared; re-measuring a slow page holds it alone (once the visits under way
 * have finished), so the second measure is of the page by itself.
 */
class Gate {
  private shared = 0;
  private exclusive: Promise<void> | null = null;
  private idle: (() => void)[] = [];
  async enter() {
    while (this.exclusive) await this.exclusive;
    this.shared++;
  }
  leave() {
    if (--this.shared === 0) for (const wake of this.idle.splice(0)) wake();
  }
  /** Called while holding the gate shared: waits for the others to leave, runs `fn` alone, then holds it shared again. */
  async alone<T>(fn: () => Promise<T>): Promise<T> {
    this.leave();
    while (this.exclusive) await this.exclusive;
    let open!: () => void;
    this.exclusive = new Promise((resolve) => (open = resolve));
    while (this.shared > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    try {
      return await fn();
    } finally {
      this.exclusive = null;
      open();
      await this.enter();
    }
  }
}
const gate = new Gate();

/** The document's timings: server (request sent to last byte received) and load (navigation start to the load event). */
async function timings(page: Page): Promise<{ server: number; load: number }> {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    return nav ? { server: nav.responseEnd - nav.requestStart, load: nav.loadEventEnd - nav.startTime } : { server: 0, load: 0 };
  });
}

/** Waits until React has hydrated the page (so hydration errors reach the console) and the page is settled. */
async function settled(page: Page) {
  await page.waitForLoadState("load");
  await page.waitForFunction(() => {
    const w = window as unknown as { __remixRouter?: { state: { initialized: boolean; navigation: { state: string } } } };
    return w.__remixRouter?.state.initialized === true && w.__remixRouter.state.navigation.state === "idle";
  }, undefined, { timeout: 10_000 });
  await nextFrame(page);
}

async function nextFrame(page: Page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
}

/** Sideways overflow and axe findings at the page's current width. */
async function checkWidth(page: Page, watch: Watch) {
  const width = page.viewportSize()!.width;
  const overflow = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
  if (overflow > 0) watch.problems.push(`${watch.who} ${width}px ${watch.current}: wider than the screen by ${overflow} px`);
  for (const f of await seriousA11yFindings(page)) watch.problems.push(`${watch.who} ${width}px ${watch.current}: axe ${f}`);
}

/**
 * Loads a page at the viewport's current width, checks it there, resizes to
 * the other width and checks it again (leaving the viewport there for the next
 * page). Returns the page's times, or null when the address answered with a
 * file shown inline (a certificate PDF), not a page.
 */
async function visit(page: Page, watch: Watch, url: string): Promise<Times | null> {
  watch.current = new URL(url).pathname + new URL(url).search;
  const res = await page.goto(url);
  if (!res) return watch.problems.push(`${watch.who} ${watch.current}: no response`), { server: 0, load: 0 };
  const type = res.headers()["content-type"] ?? "";
  if (!type.startsWith("text/html")) {
    if (res.status() !== 200 || !/^(application\/pdf|text\/csv|text\/calendar|image\/)/.test(type)) {
      watch.problems.push(`${watch.who} ${watch.current}: file answered ${res.status()} ${type}`);
    }
    return null;
  }
  let times: Times = await timings(page);
  if (times.server > SLOW_MS) {
    // The first visit of a page may fill a cache or compile a query, and other crawls' pages compete for
    // the CPU with it: measure again with the other crawls paused, up to three times (on a machine busy
    // with other work a single load can be held up; the fastest of three is the page's own time).
    const first = times.server;
    times = await gate.alone(async () => {
      let best: Times | null = null;
      for (let i = 0; i < 3 && !(best && best.server <= SLOW_MS); i++) {
        await page.goto(url);
        const again = await timings(page);
        if (!best || again.server < best.server) best = again;
      }
      return best!;
    });
    times.first = first;
    if (times.server > SLOW_MS) watch.problems.push(`${watch.who} ${watch.current}: slow, ${Math.round(times.server)} ms to serve (limit ${SLOW_MS} ms)`);
  }
  await settled(page);
  await checkWidth(page, watch);
  await page.setViewportSize(page.viewportSize()!.width === DESKTOP.width ? PHONE : DESKTOP);
  await nextFrame(page);
  await checkWidth(page, watch);
  return times;
}

async function enter(context: BrowserContext, email: string, org: Org): Promise<Page> {
  const page = await context.newPage();
  await logIn(page, t.app.base, email);
  await page.waitForURL(/\/dashboard$/);
  // The URL changes before the dashboard has rendered: wait for the signed-in header.
  await page.locator(".site-header .who").waitFor();
  const select = page.getByLabel("Organisation");
  if (await select.count()) {
    const current = await select.evaluate((el: HTMLSelectElement) => el.options[el.selectedIndex].text);
    if (current !== ORGS[org]) {
      await select.selectOption({ label: ORGS[org] });
      // The select shows the new name as soon as it is chosen: wait for the switch itself, then for the dashboard it
      // leads to ("<organisation> · your roles"), or the next page may still be asked for in the old organisation.
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/switch-organisation")),
        page.getByRole("button", { name: "Switch" }).click(),
      ]);
      await expect.poll(() => page.locator("main").textContent()).toContain(`${ORGS[org]} · your roles`);
    }
  } else {
    expect(await page.locator(".org-name").textContent()).toBe(ORGS[org]);
  }
  return page;
}

async function auditCount(org: Org): Promise<number> {
  const context = await t.browser.newContext({ viewport: DESKTOP });
  const page = await enter(context, "board@demo.coop", org);
  await page.goto(`${t.app.base}/audit`);
  const text = (await page.getByText(/Chain verified: all \d+ events/).textContent()) ?? "";
  await context.close();
  return Number(/all (\d+) events/.exec(text)![1]);
}

/** Sample pages (with an id in their address) of each organisation, found by the crawl. */
const samples: Record<Org, Set<string>> = { bakery: new Set(), bank: new Set() };

async function crawl(email: string, org: Org, problems: string[]): Promise<Visit[]> {
  const label = `${email} in ${org}`;
  const context = await t.browser.newContext({ viewport: DESKTOP });
  const page = await enter(context, email, org);
  const watch: Watch = { problems: new Problems(), current: "/dashboard", who: label };
  watchPage(page, watch, label);
  const base = new URL(t.app.base);
  const seen = new Set<string>();
  const downloads = new Map<string, string>();
  const visits: Visit[] = [];
  const queue: { url: string; pattern: string }[] = [{ url: `${t.app.base}/dashboard`, pattern: "/dashboard" }];
  seen.add("/dashboard");
  while (queue.length && visits.length < MAX_PAGES) {
    const next = queue.shift()!;
    try {
      await gate.enter();
      const times = await visit(page, watch, next.url).finally(() => gate.leave());
      // A file shown inline is checked once, not crawled.
      if (!times) continue;
      visits.push({ ...next, ...times });
    } catch (error) {
      watch.problems.push(`${label} ${next.url}: ${(error as Error).message.split("\n")[0]}`);
      continue;
    }
    const links = await page.locator("a[href]").evaluateAll((as) => as.map((a) => ({ href: (a as HTMLAnchorElement).href, download: a.hasAttribute("download") })));
    const downloadAttr = new Set(links.filter((l) => l.download).map((l) => l.href));
    for (const { href } of links) {
      const url = new URL(href);
      if (url.origin !== base.origin) continue;
      url.hash = "";
      if (skip(url.pathname)) continue;
      if (downloadAttr.has(href) || DOWNLOADS.some(([re]) => re.test(url.pathname))) {
        const pattern = routePattern(url);
        if (!downloads.has(pattern)) downloads.set(pattern, `${url.pathname}${url.search} (linked from ${watch.current})`);
        if (!seen.has(pattern)) {
          seen.add(pattern);
          if (!downloadAttr.has(href)) watch.problems.push(`${label} download ${url.pathname}: the link has no download attribute`);
          const res = await context.request.get(url.href, { maxRedirects: 0 });
          const type = res.headers()["content-type"] ?? "";
          // A link marked download whose address does not say its kind (/reports/statement): any type but a page.
          const expected = DOWNLOADS.find(([re]) => re.test(url.pathname))?.[1] ?? /^(?!text\/html)/;
          if (res.status() !== 200 || !expected.test(type)) {
            watch.problems.push(`${label} download ${downloads.get(pattern)}: ${res.status()} ${type}`);
          }
        }
        continue;
      }
      const pattern = routePattern(url);
      if (seen.has(pattern)) continue;
      seen.add(pattern);
      if (pattern.includes(":id") && !PUBLIC.test(url.pathname)) samples[org].add(url.pathname);
      queue.push({ url: url.href, pattern });
    }
  }
  if (queue.length) problems.push(`${label}: more than ${MAX_PAGES} route patterns, ${queue.length} left unvisited (raise MAX_PAGES)`);
  problems.push(...watch.problems);
  await context.close();
  return visits;
}

/** Crawls at once (separate browser contexts): the server and the browser wait on each other less. */
const CONCURRENCY = Number(process.env.CRAWL_CONCURRENCY ?? 2);

describe("crawl", () => {
  it("reaches every page of every role in both organisations at both widths without a dead end", { timeout: 900_000 }, async () => {
    const before = { bakery: await auditCount("bakery"), bank: await auditCount("bank") };
    const problems: string[] = [];
    const started = Date.now();
    // CRAWL_LOGINS=a@…,b@…: only those logins, while working on what the crawl found.
    const only = process.env.CRAWL_LOGINS?.split(",");
    const jobs = DEMO_LOGINS.filter((l) => !only || only.includes(l.email)).flatMap((login) => login.orgs.map((org) => ({ email: login.email, org })));
    const worker = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const t0 = Date.now();
        const found: string[] = [];
        const visits = await crawl(job.email, job.org, found);
        problems.push(...found);
        // Each page's time, slowest first: server (what the 500 ms limit is on) and load (to the load event).
        const ms = (n: number, width: number) => `${String(Math.round(n)).padStart(width)} ms`;
        const lines = [...visits]
          .sort((a, b) => b.server - a.server)
          .map((v) => `  ${ms(v.server, 4)} server ${ms(v.load, 5)} load  ${v.pattern}${v.first ? ` (measured again alone: the first took ${ms(v.first, 0)})` : ""}`);
        console.log(`${job.email} in ${job.org}: ${visits.length} pages at two widths in ${Date.now() - t0} ms, ${found.length} problems\n${lines.join("\n")}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(`crawl: ${Date.now() - started} ms`);
    const after = { bakery: await auditCount("bakery"), bank: await auditCount("bank") };
    // Logging in and switching organisation are not audited: the chain stays as it was.
    expect(after, "a GET link changed state (the audit chain grew during the crawl)").toEqual(before);
    expect(problems).toEqual([]);
  });

  it("shows the other organisation's pages to nobody: 404 by address", async () => {
    expect(samples.bank.size).toBeGreaterThan(5);
    const context = await t.browser.newContext({ viewport: DESKTOP });
    const page = await enter(context, "owner@demo.coop", "bakery");
    const leaks: string[] = [];
    for (const path of [...samples.bank].slice(0, 40)) {
      const res = await page.goto(t.app.base + path);
      // 404; or 403 where the owner's role is refused the page before any lookup (a member's proxy form, a write-off): neither shows data.
      if (res?.status() !== 404 && res?.status() !== 403) leaks.push(`${path}: ${res?.status()}`);
    }
    await context.close();
    expect(leaks).toEqual([]);
  });
});
