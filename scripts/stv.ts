/**
 * Count an STV election from a BLT file.
 *
 *   npx tsx scripts/stv.ts FILE.blt [--method scottish|meek] [--json] [--seed TEXT]
 *                          [--tie-order] [--bulk-exclusion]
 *
 * Meek is the PR Foundation reference rule (one exclusion per stage). With
 * --tie-order a tie goes to the first in the file's [tie] order (else ballot
 * order), as droop does: for Meek any tie for exclusion (the reference rule's
 * procedure), for Scottish STV a tie the earlier stages do not settle (the lot
 * recorded in the file); with --bulk-exclusion Meek excludes all sure losers
 * at once (not the reference rule).
 *
 * Prints a count sheet (or, with --json, {"seats","quota","elected","rounds"}).
 * A malformed file prints "FILE:LINE: reason" on stderr and exits with 1;
 * bad command-line usage exits with 2.
 */
import { readFileSync } from "node:fs";
import { BltError, countBlt, formatCountSheet, resultJson, STV_METHODS, type StvMethod } from "../app/domain/voting/stv/index";

const USAGE = "usage: tsx scripts/stv.ts FILE.blt [--method scottish|meek] [--json] [--seed TEXT] [--tie-order] [--bulk-exclusion]";

function main(argv: string[]): number {
  let file: string | undefined;
  let method: StvMethod = "scottish";
  let json = false;
  let lotSeed: string | undefined;
  let tieOrder = false;
  let bulkExclusion = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") json = true;
    else if (a === "--tie-order") tieOrder = true;
    else if (a === "--bulk-exclusion") bulkExclusion = true;
    else if (a === "--method" || a.startsWith("--method=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (!STV_METHODS.includes(v as StvMethod)) {
        process.stderr.write(`unknown method "${v ?? ""}" (use ${STV_METHODS.join(" or ")})\n${USAGE}\n`);
        return 2;
      }
      method = v as StvMethod;
    } else if (a === "--seed" || a.startsWith("--seed=")) {
      lotSeed = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (lotSeed === undefined) {
        process.stderr.write(`--seed needs a value\n${USAGE}\n`);
        return 2;
      }
    } else if (a === "-h" || a === "--help") {
      process.stdout.write(USAGE + "\n");
      return 0;
    } else if (a.startsWith("-")) {
      process.stderr.write(`unknown option ${a}\n${USAGE}\n`);
      return 2;
    } else if (file === undefined) file = a;
    else {
      process.stderr.write(`only one file can be counted at a time\n${USAGE}\n`);
      return 2;
    }
  }
  if (!file) {
    process.stderr.write(USAGE + "\n");
    return 2;
  }

  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    process.stderr.write(`${file}: cannot read: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    if (bulkExclusion && method !== "meek") {
      process.stderr.write(`--bulk-exclusion applies to --method meek only\n${USAGE}\n`);
      return 2;
    }
    const result = countBlt(text, method, {
      ...(lotSeed === undefined ? {} : { lotSeed }),
      ...(tieOrder ? (method === "meek" ? { tieBreak: "order" as const } : { lots: "tie-order" as const }) : {}),
      ...(bulkExclusion ? { bulkExclusion } : {}),
    });
    process.stdout.write(json ? JSON.stringify(resultJson(result), null, 2) + "\n" : formatCountSheet(result));
    return 0;
  } catch (e) {
    if (e instanceof BltError) {
      process.stderr.write(`${file}:${e.line}: ${e.reason}\n`);
      return 1;
    }
    if (e instanceof RangeError) {
      process.stderr.write(`${file}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
