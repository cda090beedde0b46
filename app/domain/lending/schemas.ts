/**
 * zod schemas for the JSON that enters the lending domain (CLIs, imports,
 * and later the routes), and a formatter that names the offending field.
 * Validation happens at the edge so the domain can assume well-formed input.
 */
import { z } from "zod";
import { isIsoDate } from "../calendar";

const amount = z.string().regex(/^\d+(\.\d{1,2})?$/, 'must be an amount like "5000.00"');
/** Checked on the text, not via Number(), so no amount ever passes through a float. */
const nonZero = (s: string): boolean => /[1-9]/.test(s);
const percent = z.string().regex(/^\d+(\.\d+)?$/, 'must be a percentage like "12" or "7.5"');
const isoDate = z.string().refine(isIsoDate, "must be a calendar date YYYY-MM-DD");
const unit = z.enum(["day", "week", "month", "year"]);
const count = z.number().int("must be a whole number").min(1, "must be at least 1");

export const loanTermsSchema = z
  .object({
    principal: amount.refine(nonZero, "must be more than zero"),
    annualRate: percent,
    termPeriods: count.max(1200, "must be at most 1200"),
    every: count.max(366, "must be at most 366"),
    unit,
    amortization: z.enum(["equal-installments", "equal-principal"]),
    interest: z.enum(["declining", "flat"]),
    daysInYear: z.enum(["360", "365", "actual"]),
    daysInMonth: z.enum(["30", "actual"]),
    installmentMultiple: amount.refine(nonZero, "must be more than zero"),
    rounding: z.enum(["half-even", "half-up", "down", "up"]),
    disbursed: isoDate.optional(),
    firstDue: isoDate.optional(),
    graceOnPrincipal: z.number().int("must be a whole number").min(0, "must not be negative").optional(),
    graceOnInterest: z.number().int("must be a whole number").min(0, "must not be negative").optional(),
    fee: amount.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if ((t.graceOnPrincipal ?? 0) >= t.termPeriods) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["graceOnPrincipal"], message: "must be less than termPeriods" });
    }
    if ((t.graceOnInterest ?? 0) >= t.termPeriods) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["graceOnInterest"], message: "must be less than termPeriods" });
    }
    if (t.disbursed && t.firstDue && t.firstDue <= t.disbursed) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["firstDue"], message: "must be after disbursed" });
    }
  });

const flow = z.object({ date: isoDate, amount: amount.refine(nonZero, "must be more than zero") }).strict();

export const aprInputSchema = z
  .object({
    convention: z.enum(["eu", "us-regz"]),
    advances: z.array(flow).min(1, "must list at least one advance"),
    payments: z.union([
      z.array(flow).min(1, "must list at least one payment"),
      z
        .object({
          count: count.max(1200, "must be at most 1200"),
          every: count,
          unit,
          first: isoDate,
          amount: amount.refine(nonZero, "must be more than zero"),
          finalAmount: amount.optional(),
        })
        .strict(),
    ]),
    timeBasis: z.enum(["days", "months"]).optional(),
    unitPeriod: z.enum(["day", "week", "fortnight", "month", "quarter", "half-year", "year"]).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.convention !== "eu" && f.timeBasis) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["timeBasis"], message: 'only applies to the "eu" convention' });
    }
    if (f.convention !== "us-regz" && f.unitPeriod) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["unitPeriod"], message: 'only applies to the "us-regz" convention' });
    }
  });

/**
 * "principal: must be an amount like "5000.00"" - one line per problem, each
 * starting with the field's path, so the person fixing the file knows where.
 * A union failure (payments as a list or as a series) reports the branch
 * that got furthest rather than zod's generic "Invalid input".
 */
export function describeZodError(error: z.ZodError): string {
  const lines: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === z.ZodIssueCode.invalid_union) {
      const branches = issue.unionErrors.map((e) => e.issues);
      const closest = branches.sort((a, b) => a.length - b.length)[0] ?? [];
      for (const sub of closest) lines.push(`${sub.path.join(".") || "(input)"}: ${sub.message}`);
      continue;
    }
    lines.push(`${issue.path.join(".") || "(input)"}: ${issue.message}`);
  }
  return lines.join("\n");
}
