/**
 * Starts the built app with freshly seeded demo data in its own process
 * (an empty PGlite directory, or DATABASE_URL when given) and drives
 * Debian's Chromium with playwright-core.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import axe from "axe-core";
import { afterAll, beforeAll } from "vitest";

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

export interface App {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startApp(extraEnv: Record<string, string> = {}): Promise<App> {
  // E2E_APP_URL: an app already running (`npm run demo`), for working on one test without seeding each run.
  const running = process.env.E2E_APP_URL;
  if (running && Object.keys(extraEnv).length === 0) return { base: running.replace(/\/$/, ""), child: null as unknown as ChildProcess, async stop() {} };
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "coop-e2e-"));
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

/** Runs axe-core in the page and returns the serious and critical findings. */
export async function seriousA11yFindings(page: Page) {
  await page.evaluate(axe.source);
  const results = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}
