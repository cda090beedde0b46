/**
 * APR CLI: a thin shell over app/domain/lending/apr.
 *
 *   npx tsx scripts/apr.ts < flows.json     ->  {"apr":"21.9"}
 *
 * flows: {"convention":"eu|us-regz","advances":[{"date","amount"}],
 * "payments":[{"date","amount"},...] | {"count","every","unit","first","amount"}}
 * with optional "timeBasis" (eu) and "unitPeriod" (us-regz). Bad input: a
 * message naming the field on stderr and exit code 1.
 */
import { readFileSync } from "node:fs";
import { computeApr } from "../app/domain/lending/apr";
import { aprInputSchema, describeZodError } from "../app/domain/lending/schemas";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let raw: unknown;
try {
  raw = JSON.parse(readFileSync(0, "utf8"));
} catch (e) {
  fail(`flows: input is not valid JSON (${(e as Error).message})`);
}
const parsed = aprInputSchema.safeParse(raw);
if (!parsed.success) fail(`invalid cash flows:\n${describeZodError(parsed.error)}`);

try {
  process.stdout.write(`${JSON.stringify(computeApr(parsed.data))}\n`);
} catch (e) {
  fail(`invalid cash flows: ${(e as Error).message}`);
}
