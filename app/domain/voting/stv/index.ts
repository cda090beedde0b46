/**
 * STV counting entry points. Pure functions: text in, result out.
 *
 *   countBlt(text, "scottish")  -> Scottish STV (SSI 2007/42), as droop `scotland`
 *   countBlt(text, "meek")      -> Meek STV, 9-decimal fixed point
 */
import { parseBlt, refuseEqualRankings, type BltElection } from "./blt";
import type { StvResult } from "./common";
import { countMeek, type MeekOptions } from "./meek";
import { countScottish, type ScottishOptions } from "./scottish";

export { BltError, parseBlt, refuseEqualRankings, writeBlt, type BltBallot, type BltElection, type BltOptions } from "./blt";
export type { StvAction, StvResult, StvRound } from "./common";
export { countMeek, type MeekOptions } from "./meek";
export { countScottish, type ScottishOptions } from "./scottish";
export { randomElection, type RandomElectionOptions } from "./random";

export type StvMethod = "scottish" | "meek";
export const STV_METHODS: readonly StvMethod[] = ["scottish", "meek"];

/** The rules as named in a refusal. */
export const STV_RULE_NAMES: Record<StvMethod, string> = { scottish: "Scottish STV (SSI 2007/42)", meek: "Meek STV" };

export type CountOptions = ScottishOptions & MeekOptions;

/** Count an already-parsed election with the chosen method. */
export function countElection(e: BltElection, method: StvMethod = "scottish", options: CountOptions = {}): StvResult {
  refuseEqualRankings(e, STV_RULE_NAMES[method] ?? method);
  switch (method) {
    case "scottish":
      return countScottish(e, options);
    case "meek":
      return countMeek(e, options);
    default:
      throw new RangeError(`unknown STV method "${String(method)}" (use scottish or meek)`);
  }
}

/** Parse BLT text and count it. Throws BltError (with .line) for a malformed file. */
export function countBlt(text: string, method: StvMethod = "scottish", options: CountOptions = {}): StvResult {
  return countElection(parseBlt(text), method, options);
}

/** The compact JSON shape printed by `scripts/stv.ts --json`. */
export function resultJson(r: StvResult) {
  return { seats: r.seats, quota: r.quota, elected: r.elected, rounds: r.rounds };
}

/** A plain-text count sheet: one block per stage, then the winners. */
export function formatCountSheet(r: StvResult): string {
  const out: string[] = [];
  out.push(`${r.title}`);
  out.push(`Method: ${r.method === "scottish" ? "Scottish STV (SSI 2007/42)" : "Meek STV (PR Foundation reference rule: Hill, Wichmann & Woodall, Algorithm 123)"}`);
  out.push(`Seats: ${r.seats}   Valid ballots: ${r.valid}   Quota: ${r.quota}`);
  // Names are printed quoted (so trailing spaces show); pad everything to the longest label.
  const width = Math.max("Non-transferable".length, ...Object.keys(r.rounds[0]?.tally ?? {}).map((k) => k.length + 2 + (r.method === "meek" ? "Keep value ".length : 0)));
  for (const rd of r.rounds) {
    out.push("");
    const what =
      rd.action === "first"
        ? "First preferences"
        : rd.action === "surplus"
          ? rd.candidate
            ? `Transfer of surplus of ${rd.candidate}${rd.surplus ? ` (${rd.surplus})` : ""}`
            : r.method === "meek"
              ? "Surpluses iterated (keep values)"
              : "Surpluses redistributed"
          : rd.action === "exclude"
            ? `Exclusion of ${rd.candidate ?? rd.excluded.join(", ")}`
            : "Remaining candidates fill the remaining vacancies";
    out.push(`Stage ${rd.n}: ${what}`);
    if (rd.action !== "elect-remaining") {
      for (const [name, v] of Object.entries(rd.tally)) out.push(`  ${JSON.stringify(name).padEnd(width)}  ${v.padStart(14)}`);
      out.push(`  ${"Non-transferable".padEnd(width)}  ${rd.exhausted.padStart(14)}`);
      if (r.method === "meek" && rd.quota) {
        out.push(`  ${"Quota".padEnd(width)}  ${rd.quota.padStart(14)}`);
        if (rd.surplus) out.push(`  ${"Total surplus".padEnd(width)}  ${rd.surplus.padStart(14)}`);
        for (const [name, kf] of Object.entries(rd.keepFactors ?? {})) out.push(`  ${("Keep value " + JSON.stringify(name)).padEnd(width)}  ${kf.padStart(14)}`);
      }
    }
    for (const note of rd.notes) out.push(`  Note: ${note}`);
    for (const name of rd.elected) out.push(`  Elected: ${name}`);
    for (const name of rd.excluded) out.push(`  Excluded: ${name}`);
  }
  out.push("");
  out.push(`Elected (in order): ${r.elected.join("; ")}`);
  return out.join("\n") + "\n";
}
