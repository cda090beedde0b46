/**
 * Loan schedule CLI: a thin shell over app/domain/lending.
 *
 *   npx tsx scripts/loan.ts schedule < terms.json
 *
 * prints {"installments":[{"n":1,"due":"YYYY-MM-DD","principal":"255.00",...}],
 * "totalInterest":"488.22","totalRepayment":"...","apr":"..."} where apr is the
 * EU/UK APR of the schedule's own cash flows (amount advanced less any fee,
 * against every installment). Bad input: a message naming the field on
 * stderr and exit code 1, so shell scripts can stop on it.
 */
import { readFileSync } from "node:fs";
import { euAprOf } from "../app/domain/lending/apr";
import { toDay } from "../app/domain/calendar";
import { generateSchedule, scheduleCashFlows, scheduleToJson } from "../app/domain/lending/schedule";
import { describeZodError, loanTermsSchema } from "../app/domain/lending/schemas";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const [command] = process.argv.slice(2);
if (command !== "schedule") fail("usage: npx tsx scripts/loan.ts schedule < terms.json");

let raw: unknown;
try {
  raw = JSON.parse(readFileSync(0, "utf8"));
} catch (e) {
  fail(`terms: input is not valid JSON (${(e as Error).message})`);
}
const parsed = loanTermsSchema.safeParse(raw);
if (!parsed.success) fail(`invalid loan terms:\n${describeZodError(parsed.error)}`);

try {
  const schedule = generateSchedule(parsed.data);
  const flows = scheduleCashFlows(schedule);
  const apr = euAprOf(
    flows.advances.map((a) => ({ day: toDay(a.date), amount: a.amount })),
    flows.payments.map((p) => ({ day: toDay(p.date), amount: p.amount })),
  );
  process.stdout.write(`${JSON.stringify({ ...scheduleToJson(schedule), apr })}\n`);
} catch (e) {
  // The domain's RangeErrors name the field ("graceOnPrincipal must ...").
  fail(`invalid loan terms: ${(e as Error).message}`);
}
