import { z } from "zod";
import { isIsoDate } from "~/domain/calendar";
import { MAX_MINOR_UNITS, parseMoney, withoutCurrencySign } from "~/domain/money";

/** Shared field rules, so a form, an import and a CLI agree on what is valid. */
export const emailField = z
  .string({ required_error: "Enter an email address" })
  .trim()
  .toLowerCase()
  .max(254, "That email address is too long")
  .email("Enter an email address like name@example.org");

export const passwordField = z
  .string({ required_error: "Enter a password" })
  .min(10, "Use at least 10 characters")
  .max(200, "Use at most 200 characters");

export const isoDate = z
  .string({ required_error: "Enter a date" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date as YYYY-MM-DD")
  .refine(isIsoDate, "That date does not exist");

/**
 * Whether an amount typed as digits ("1200", "-5.5", "£1,200.00") is within
 * the largest amount taken (MAX_MINOR_UNITS); text that is not an amount is
 * left to the field's own check. Every money field refines with this, so an
 * amount beyond bigint is a field error, never a database error.
 */
export function amountInRange(text: string | undefined): boolean {
  const plain = withoutCurrencySign((text ?? "").trim());
  if (!/^-?\d+(\.\d{1,2})?$/.test(plain)) return true;
  try {
    parseMoney(plain);
    return true;
  } catch {
    return false;
  }
}
export const AMOUNT_TOO_LARGE = `That is more than any amount taken (${(MAX_MINOR_UNITS / 100n).toLocaleString("en-GB")})`;

/** Member numbers are stored as integer: anything larger is no member's (and never reaches the database). */
export const MAX_MEMBER_NUMBER = 2_000_000_000;

export const uuid = z.string().uuid("Not a valid id");
/** A job's id in a path (an import's progress page): a positive whole number (a bigint in the jobs table). */
export const jobId = z.string().regex(/^[1-9][0-9]{0,17}$/);
/** For ids taken from a path or a form before they reach a uuid column. */
export const isUuid = (s: string) => uuid.safeParse(s).success;

/** A search box's text: at most 200 characters. */
export const searchText = z.string().trim().max(200, "Search for at most 200 characters").optional().default("");

export const pageParams = z.object({
  q: searchText,
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
});

/** Said when a money form arrives without its one-time key (a page from before an upgrade, or a hand-made post). */
export const SUBMISSION_KEY_MISSING = "This form is out of date: reload the page and try again.";

/**
 * The one-time key a money form carries (a hidden `submissionKey`, fresh each
 * time the page is rendered; see app/models/core/form-submissions.server.ts). A
 * missing or malformed key is a form-level error, shown above the form.
 */
export const submissionKeyField = z
  .object({ submissionKey: z.string().optional() })
  .transform((v, ctx) => {
    if (!v.submissionKey || !isUuid(v.submissionKey)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: SUBMISSION_KEY_MISSING, path: [] });
      return z.NEVER;
    }
    return { submissionKey: v.submissionKey };
  });

/** A money form's schema with its one-time key: `keyed(LoanActionSchema)`. */
export function keyed<Schema extends z.ZodTypeAny>(schema: Schema) {
  return schema.and(submissionKeyField);
}

export const CONFIRMATION_MISSING = "Confirm first: tick “I understand this cannot be undone”";
/**
 * The confirmation an irreversible action carries (`confirmed=yes`): set by the
 * dialog of app/components/confirm.tsx, or ticked by hand without JavaScript.
 * The server refuses the action without it, so one stray click cannot close a
 * vote or reverse a repayment.
 */
export const confirmed = z.literal("yes", { errorMap: () => ({ message: CONFIRMATION_MISSING }) });
