/**
 * Starts the built app with freshly seeded demo data in its own process and
 * drives Debian's Chromium with playwright-core. Two targets:
 *
 * - development (the default, `npm run test:e2e`): `scripts/demo.ts` in
 *   development mode on its own PGlite directory, a copy of the demo data
 *   global-setup.ts seeded once (or DATABASE_URL when given), with DEV_TOOLS
 *   (the outbox at /dev/mail).
 * - production (E2E_TARGET=production, `npm run test:e2e:prod`): the bundle
 *   `npm run build` made, started as `npm start` starts it
 *   (NODE_ENV=production node build/server.js) on a fresh PostgreSQL
 *   database (migrated and seeded with the demo data first, dropped after),
 *   with the settings the README's "Deploying" section gives. No development
 *   tools: mail goes out by SMTP to a server this harness starts (`app.mailbox`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import type axe from "axe-core";
import { SMTPServer } from "smtp-server";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
export const PASSWORD = "demo-password-2026";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Which server the suite runs against (see the top of this file). */
export const TARGET: "development" | "production" = process.env.E2E_TARGET === "production" ? "production" : "development";

export interface App {
  base: string;
  child: ChildProcess;
  /** Production only: the mail the server sent by SMTP (development lists it at /dev/mail instead). */
  mailbox?: Mailbox;
  stop(): Promise<void>;
}

export function startApp(extraEnv: Record<string, string> = {}): Promise<App> {
  // E2E_APP_URL: an app already running (`npm run demo`), for working on one test without seeding each run.
  const running = process.env.E2E_APP_URL;
  if (running && Object.keys(extraEnv).length === 0) return Promise.resolve({ base: running.replace(/\/$/, ""), child: null as unknown as ChildProcess, async stop() {} });
  return TARGET === "production" ? startProductionApp(extraEnv) : startDemoApp(extraEnv);
}

async function startDemoApp(extraEnv: Record<string, string>): Promise<App> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "coop-e2e-"));
  // The demo data global-setup.ts seeded once: demo.ts finds it present and only serves.
  const template = process.env.DATABASE_URL ? undefined : inject("demoTemplateDir");
  if (template) cpSync(template, dataDir, { recursive: true });
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
    env: { ...process.env, PORT: String(port), PGLITE_DIR: dataDir, NODE_ENV: "development", DEV_TOOLS: "true", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start:\n${output}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("serving at")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`app exited with ${code}:\n${output}`)));
  });
  return {
    base: `http://localhost:${port}`,
    child,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 300));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The PostgreSQL server the production target makes its database on (E2E_PG_URL, any database on it). */
export const PG_SERVER = process.env.E2E_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * `NODE_ENV=production node build/server.js` on a fresh PostgreSQL database
 * holding the demo data (a copy of the one tests/e2e/global-setup.ts seeded), with the settings a deployment gives it (README
 * "Deploying"): DATABASE_URL, HOST, PORT, APP_URL, SMTP_URL and MAIL_FROM,
 * and SECURE_COOKIES=false (plain HTTP on localhost). Nothing else from this
 * process's environment is passed on, so no development setting leaks in.
 */
async function startProductionApp(extraEnv: Record<string, string>): Promise<App> {
  const database = await copyOfDemo();
  let mailbox: Mailbox | undefined;
  let child: ChildProcess | undefined;
  const dropDatabase = () => database.drop().catch(() => {});
  try {
    mailbox = await startMailbox();
    const port = await freePort();
    const base = `http://localhost:${port}`;
    child = spawn(process.execPath, ["build/server.js"], {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        DATABASE_URL: database.url,
        HOST: "127.0.0.1",
        PORT: String(port),
        APP_URL: base,
        SECURE_COOKIES: "false",
        SMTP_URL: mailbox.url,
        MAIL_FROM: "Co-op Register <no-reply@register.example>",
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = tail(child);
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    await waitForReady(`http://127.0.0.1:${port}/readyz`, exited, output);
    const running = child;
    const box = mailbox;
    return {
      base,
      child: running,
      mailbox: box,
      async stop() {
        running.kill("SIGTERM");
        const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 20_000))]);
        if (code === "timeout") running.kill("SIGKILL");
        await box.close();
        await dropDatabase();
        if (code !== 0) throw new Error(`the production server did not stop cleanly on SIGTERM (${code}):\n${output()}`);
      },
    };
  } catch (error) {
    child?.kill("SIGKILL");
    await mailbox?.close();
    await dropDatabase();
    throw error;
  }
}

/** A new database copied from the seeded demo database (CREATE DATABASE ... TEMPLATE: a file copy, no seeding). */
async function copyOfDemo(): Promise<{ url: string; drop(): Promise<void> }> {
  const template = inject("demoTemplate");
  if (!template) throw new Error("no seeded demo database: tests/e2e/global-setup.ts runs when E2E_TARGET=production");
  const admin = new pg.Client({ connectionString: PG_SERVER });
  await admin.connect();
  const name = `coop_e2e_${Date.now().toString(36)}_${process.pid}`;
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_SERVER);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const admin = new pg.Client({ connectionString: PG_SERVER });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** The last 64 kB of a child's stdout and stderr (the server logs a JSON line per request). */
function tail(child: ChildProcess): () => string {
  let text = "";
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-65_536);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return () => text;
}

/** Until /readyz answers 200 (the database answers, every migration applied), as a load balancer waits. */
async function waitForReady(url: string, exited: Promise<number | null>, output: () => string) {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code ?? -1));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`the production server exited with ${exitCode}:\n${output()}`);
    const ready = await fetch(url).then((r) => r.status === 200, () => false);
    if (ready) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the production server was not ready within 90 s:\n${output()}`);
}

export interface Mail {
  to: string[];
  subject: string;
  /** The body, quoted-printable decoded. */
  text: string;
}

export interface Mailbox {
  /** smtp://127.0.0.1:<port>: no TLS, no log-in (a local test server). */
  url: string;
  messages: Mail[];
  /** The first match of `pattern` in mail to `to`, newest first, waiting for the server's mailer (it sends every 10 s). */
  find(to: string, pattern: RegExp, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

/** An SMTP server on a free local port that keeps every message it is given. */
async function startMailbox(): Promise<Mailbox> {
  const messages: Mail[] = [];
  const smtp = new SMTPServer({
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString()));
      stream.on("end", () => {
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), ...parseMessage(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const url = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  return {
    url,
    messages,
    async find(to, pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const m of [...messages].reverse()) {
          const found = m.to.includes(to) ? pattern.exec(m.text) : null;
          if (found) return found[0];
        }
        if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${pattern} within ${timeoutMs / 1000} s (${messages.length} received)`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

/** Subject and text of a single-part message as nodemailer writes it (7bit or quoted-printable). */
function parseMessage(raw: string): { subject: string; text: string } {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const body = raw.slice(split + 4);
  const subject = /^Subject: (.*)$/im.exec(head)?.[1] ?? "";
  const qp = /^Content-Transfer-Encoding: quoted-printable/im.test(head);
  const text = qp
    ? Buffer.from(body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8")
    : body;
  return { subject, text };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/**
 * Starts the app and Chromium before a test file's tests and stops both after
 * them. Read `app` and `browser` from the returned object inside tests (they are
 * set once the hook has run). `env` is read when the app starts, so it may use
 * values set by an earlier beforeAll.
 */
export function appAndBrowser(env: () => Record<string, string> = () => ({})): { app: App; browser: Browser } {
  const ctx = {} as { app: App; browser: Browser };
  beforeAll(async () => {
    ctx.app = await startApp(env());
    ctx.browser = await launchBrowser();
  });
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.app?.stop();
  });
  return ctx;
}

export async function logIn(page: Page, base: string, email: string, password = PASSWORD) {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/**
 * axe-core's minified build (the same version and rules as `axe.source`, the
 * unminified one, at under half the size: evaluating it in a page takes half
 * the time, which the crawl pays on every page).
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Runs axe-core in the page and returns the serious and critical findings.
 * axe is put in the page once per document: a second scan of the same page
 * (after a resize to the other width) reuses it.
 */
export async function seriousA11yFindings(page: Page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}
