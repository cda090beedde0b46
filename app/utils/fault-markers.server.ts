import { env } from "./env.server";

/*
 * Fault markers, for the fault runs (tests/faults): long work says where it
 * is, from inside its transaction, so a test can SIGKILL the process at a
 * known point instead of after a guessed delay. Off unless FAULT_MARKERS=1:
 * then each point prints a line `fault-marker NAME key=value ...` on stderr,
 * and the point named by FAULT_HOLD (`NAME` or `NAME@N`, its Nth passage)
 * also stops there, its transaction left open, until the process is killed.
 * Never in production (env.server.ts refuses FAULT_MARKERS there). Off, a
 * point costs one comparison and returns nothing to wait for.
 */

let settings: { on: boolean; hold: { name: string; at: number } | null } | undefined;
const passages = new Map<string, number>();

function read() {
  const e = env();
  const hold = e.FAULT_HOLD ? /^([\w.-]+)(?:@(\d+))?$/.exec(e.FAULT_HOLD) : null;
  return { on: e.FAULT_MARKERS, hold: hold ? { name: hold[1], at: Number(hold[2] ?? 1) } : null };
}

/** A point in long work: `await faultPoint("import.rows-written", { rows })`. Does nothing unless FAULT_MARKERS=1. */
export function faultPoint(name: string, fields: Record<string, string | number> = {}): Promise<void> | undefined {
  settings ??= read();
  if (!settings.on) return undefined;
  const n = (passages.get(name) ?? 0) + 1;
  passages.set(name, n);
  const held = settings.hold?.name === name && settings.hold.at === n;
  const extra = Object.entries(fields).map(([k, v]) => ` ${k}=${v}`).join("");
  process.stderr.write(`fault-marker ${name}${extra} passage=${n}${held ? " holding" : ""}\n`);
  if (!held) return undefined;
  // Held: the caller's transaction stays open (idle in transaction) until the test kills the process.
  return new Promise<void>(() => void setInterval(() => {}, 1 << 30));
}
