/**
 * Fault runs need the real server (a killed PGlite process would be testing
 * PGlite's crash recovery, not ours): a fresh database per run, and the app
 * or a CLI as a child process that the test can SIGKILL at any moment.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { setDb, type Database } from "~/utils/db.server";
import { createFreshDatabase, LOCAL_SERVER } from "../../db/fresh-database";

export async function freshDatabase(): Promise<{ url: string; db: Database; drop(): Promise<void> }> {
  const fresh = await createFreshDatabase(process.env.TEST_PG_URL ?? LOCAL_SERVER, "coop_faults");
  setDb(fresh.db);
  return fresh;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs `node --import tsx SCRIPT ARGS` with the database; resolves once `ready` appears in its output (if given). */
export async function runScript(script: string, args: string[], env: Record<string, string>, ready?: string): Promise<Child> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  if (ready) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), 60_000);
      const check = () => {
        if (output.includes(ready)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", check);
      void exited.then(() => reject(new Error(`${script} exited:\n${output}`)));
    });
  }
  return { process: child, output: () => output, exited };
}

export async function startAppServer(url: string): Promise<{ base: string; child: Child }> {
  const port = await freePort();
  const child = await runScript("server/server.ts", [], { DATABASE_URL: url, PORT: String(port) }, "serving at");
  return { base: `http://127.0.0.1:${port}`, child };
}

export async function kill(child: Child) {
  child.process.kill("SIGKILL");
  await child.exited;
}
