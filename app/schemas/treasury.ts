import { z } from "zod";
import { DATE_FORMATS } from "~/domain/treasury/statement";
import { normaliseIban, normaliseSortCode } from "~/domain/treasury/payments-in";
import { AMOUNT_TOO_LARGE, amountInRange, jobId } from "./common";
import { withoutCurrencySign } from "~/domain/money";

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());
const text = (max: number) => z.string().trim().max(max, `Use at most ${max} characters`).optional();

export const CURRENCIES = [["GBP", "Pounds sterling (GBP)"], ["EUR", "Euro (EUR)"], ["USD", "US dollars (USD)"]] as const;

/** A bank account of the organisation's: UK sort code and account number, or an IBAN (or both). */
export const BankAccountSchema = z
  .object({
    intent: z.literal("create"),
    name: z.string({ required_error: "Name the account, e.g. Current account" }).trim().min(1, "Name the account").max(120, "Use at most 120 characters"),
    bankName: text(120),
    accountHolder: text(140),
    sortCode: text(20),
    accountNumber: text(20),
    iban: text(50),
    bic: text(20),
    currency: z.enum(["GBP", "EUR", "USD"]).default("GBP"),
    paymentsIn: checkbox.default(false),
  })
  .superRefine((v, ctx) => {
    if (v.sortCode && !normaliseSortCode(v.sortCode)) ctx.addIssue({ code: "custom", path: ["sortCode"], message: "A sort code is six digits, e.g. 30-99-50" });
    if (v.accountNumber && !/^\d{8}$/.test(v.accountNumber.replace(/\s/g, ""))) ctx.addIssue({ code: "custom", path: ["accountNumber"], message: "An account number is eight digits" });
    if (!!v.sortCode !== !!v.accountNumber) ctx.addIssue({ code: "custom", path: [v.sortCode ? "accountNumber" : "sortCode"], message: "Give both the sort code and the account number" });
    if (v.iban && !normaliseIban(v.iban)) ctx.addIssue({ code: "custom", path: ["iban"], message: "That is not a valid IBAN (check the digits)" });
    if (v.bic && !/^[A-Za-z]{6}[A-Za-z0-9]{2}([A-Za-z0-9]{3})?$/.test(v.bic)) ctx.addIssue({ code: "custom", path: ["bic"], message: "A BIC is 8 or 11 letters and digits" });
    if (!v.sortCode && !v.accountNumber && !v.iban) ctx.addIssue({ code: "custom", path: ["sortCode"], message: "Give the sort code and account number, or an IBAN" });
  });

export const PaymentsInSchema = z.object({ intent: z.literal("payments-in"), bankAccountId: z.string().uuid() });

const MAX_STATEMENT_BYTES = 20 * 1024 * 1024;
const statementFile = z
  .instanceof(File, { message: "Choose the statement file" })
  .refine((f) => f.size > 0, "Choose the statement file")
  .refine((f) => f.size <= MAX_STATEMENT_BYTES, "The file is over 20 MB: import it in parts (a few months at a time)");

export const StatementUploadSchema = z.object({ intent: z.literal("upload"), file: statementFile });

const column = z.number().int().min(0).max(99).optional();

/** The mapping step: which column holds what, for a CSV layout the app does not know. The file is chosen again with it. */
export const StatementMappingSchema = z
  .object({
    intent: z.literal("map"),
    file: statementFile,
    hasHeader: checkbox.default(false),
    date: z.number({ required_error: "Choose the date column" }).int().min(0).max(99),
    dateFormat: z.enum(DATE_FORMATS, { required_error: "Choose how dates are written" }),
    amount: column,
    amountSign: z.enum(["credit-positive", "debit-positive"]).default("credit-positive"),
    paidIn: column,
    paidOut: column,
    description: z.number({ required_error: "Choose the description column" }).int().min(0).max(99),
    payer: column,
    reference: column,
    bankReference: column,
    balance: column,
  })
  .superRefine((v, ctx) => {
    if (v.amount === undefined && (v.paidIn === undefined || v.paidOut === undefined)) {
      ctx.addIssue({ code: "custom", path: ["amount"], message: "Choose the amount column, or both the paid-in and paid-out columns" });
    }
  });

/* Matching (docs/treasury.md): each form names the statement line; confirming is idempotent by the line itself. */
const lineId = z.string({ required_error: "Choose a statement line" }).regex(/^\d{1,18}$/, "Not a statement line");
const money = (label: string) =>
  z
    .string({ required_error: `Enter ${label}` })
    .trim()
    .transform((s) => withoutCurrencySign(s))
    .pipe(z.string().regex(/^\d+(\.\d{1,2})?$/, `Enter ${label} like 50 or 50.00`).refine((s) => /[1-9]/.test(s), `Enter ${label} of more than zero`).refine(amountInRange, AMOUNT_TOO_LARGE));

/** "Confirm N selected": the sure matches ticked (a checkbox per line, all named lineId). */
export const ConfirmSureSchema = z.object({
  intent: z.literal("confirm-sure"),
  lineId: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(lineId).min(1, "Tick at least one payment to confirm").max(500, "Confirm at most 500 at a time")),
});

/** One suggestion taken: the whole line to one member or loan. */
export const ConfirmSuggestionSchema = z.object({
  intent: z.literal("confirm"),
  lineId,
  target: z.string().regex(/^(member|loan):[0-9a-f-]{36}$/i, "Choose what the payment is for"),
});

/** Something else, or a split: up to four parts, each a member or loan reference and an amount, adding up to the line. */
export const ManualMatchSchema = z.object({
  intent: z.literal("manual"),
  lineId,
  parts: z.preprocess(
    // Rows left empty (the split has room for four) are not parts.
    (v) => (Array.isArray(v) ? v.filter((r) => r && typeof r === "object" && ((r as { reference?: unknown }).reference || (r as { amount?: unknown }).amount)) : v),
    z.array(z.object({ reference: z.string({ required_error: "Enter a member or loan reference, like M00045 or L00007" }).trim().max(40, "Use at most 40 characters"), amount: money("the amount") }))
    .min(1, "Say what the payment is for")
    .max(4, "Split a payment four ways at most"),
  ),
});

export const UndoMatchSchema = z.object({
  intent: z.literal("undo"),
  lineId,
  reason: z.string({ required_error: "Say why the match is undone" }).trim().min(3, "Say why the match is undone").max(300, "Use at most 300 characters"),
});

/** The progress page's job id: a positive whole number (a bigint in the jobs table). */
export const ImportJobParams = z.object({ jobId });
