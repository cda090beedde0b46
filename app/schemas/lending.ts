import { z } from "zod";
import { isValidPostcode } from "~/domain/postcode";
import { AMOUNT_TOO_LARGE, amountInRange, confirmed, emailField, isoDate, MAX_MEMBER_NUMBER } from "./common";

/*
 * Forms of the lending area. Amounts stay strings ("5000.00") until the
 * model parses them with parseMoney, so no amount ever passes through a float.
 */
export const BORROWER_LEGAL_FORMS = [
  ["worker-co-op", "Worker co-operative"],
  ["co-operative", "Other co-operative"],
  ["social-enterprise", "Social enterprise"],
  ["sole-trader", "Sole trader"],
  ["partnership", "Partnership"],
  ["company", "Company"],
  ["charity", "Charity"],
  ["person", "A person"],
] as const;
export const OWNERSHIP = [
  ["worker-owned", "Worker-owned"],
  ["community-owned", "Community-owned"],
  ["women-led", "Women-led"],
  ["minority-ethnic-led", "Minority-ethnic-led"],
  ["disabled-led", "Disabled-led"],
  ["young-people-led", "Young-people-led"],
] as const;
export const FREQUENCIES = [
  ["weekly", "Weekly"],
  ["fortnightly", "Fortnightly"],
  ["monthly", "Monthly"],
  ["quarterly", "Quarterly"],
] as const;

const enumOf = <T extends readonly (readonly [string, string])[]>(list: T, message: string) =>
  z.enum(list.map(([v]) => v) as [T[number][0], ...T[number][0][]], { required_error: message, invalid_type_error: message });

const text = (max: number) => z.string().trim().max(max, `Use at most ${max} characters`).optional().default("");
const optionalText = (max: number) =>
  z.string().trim().max(max, `Use at most ${max} characters`).optional().transform((v) => (v ? v : null));
const count = (label: string) =>
  z.coerce.number({ invalid_type_error: `${label} is a whole number` }).int(`${label} is a whole number`).min(0, `${label} cannot be negative`).max(1_000_000).optional().default(0);

/** An amount of money as typed: more than zero, at most two decimals. */
export const amountField = (label = "the amount") =>
  z
    .string({ required_error: `Enter ${label}` })
    .trim()
    .regex(/^-?\d+(\.\d{1,2})?$/, `Enter ${label} like 5000 or 5000.00`)
    .refine((s) => !s.startsWith("-") && /[1-9]/.test(s), `Enter ${label} of more than zero`)
    .refine(amountInRange, AMOUNT_TOO_LARGE);
const optionalAmount = (label: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d{1,2})?$/, `Enter ${label} like 1200 or 1200.00`)
    .refine(amountInRange, AMOUNT_TOO_LARGE)
    .optional();
export const rateField = z
  .string({ required_error: "Enter a rate" })
  .trim()
  .regex(/^\d{1,3}(\.\d{1,4})?$/, "Enter a yearly rate in percent, like 9 or 12.5");

export const BorrowerSchema = z.object({
  legalName: z.string({ required_error: "Enter the borrower's legal name" }).trim().min(1, "Enter the borrower's legal name").max(200),
  legalForm: enumOf(BORROWER_LEGAL_FORMS, "Choose the legal form"),
  sicCode: z.string({ required_error: "Enter the SIC code" }).trim().regex(/^\d{5}$/, "Enter a five-digit UK SIC code, like 10710"),
  address: text(500),
  postcode: z.string({ required_error: "Enter a postcode" }).trim().refine(isValidPostcode, "Enter a UK postcode like PR1 2AB"),
  employees: count("Employees"),
  jobsToCreate: count("Jobs to be created"),
  jobsToSafeguard: count("Jobs safeguarded"),
  ownership: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(enumOf(OWNERSHIP, "Choose from the list"))),
  contactName: text(200),
  contactEmail: emailField.optional(),
  contactPhone: optionalText(40),
  memberNumber: z.coerce.number({ invalid_type_error: "Member numbers are whole numbers" }).int("Member numbers are whole numbers").positive("Member numbers start at 1").max(MAX_MEMBER_NUMBER, "No member has that number").optional(),
});
export type BorrowerInput = z.infer<typeof BorrowerSchema>;

export const ProductSchema = z.object({
  name: z.string({ required_error: "Name the product" }).trim().min(1, "Name the product").max(120),
  amortization: z.enum(["equal-installments", "equal-principal"], { required_error: "Choose how it is repaid" }),
  interestMethod: z.enum(["declining", "flat"], { required_error: "Choose how interest is charged" }),
  annualRate: rateField,
  minRate: rateField,
  maxRate: rateField,
  minPrincipal: amountField("the smallest amount"),
  maxPrincipal: amountField("the largest amount"),
  minTerm: z.coerce.number({ invalid_type_error: "Enter a whole number of installments" }).int().min(1, "At least one installment").max(600),
  maxTerm: z.coerce.number({ invalid_type_error: "Enter a whole number of installments" }).int().min(1, "At least one installment").max(600, "At most 600 installments"),
  frequency: enumOf(FREQUENCIES, "Choose how often it is repaid"),
  daysInYear: z.enum(["360", "365", "actual"], { required_error: "Choose a day count" }),
  daysInMonth: z.enum(["30", "actual"], { required_error: "Choose a day count" }),
  installmentMultiple: amountField("the rounding multiple").default("0.01"),
  graceOnPrincipal: count("Grace on principal"),
  graceOnInterest: count("Grace on interest"),
  arrangementFee: optionalAmount("the fee").default("0"),
});
export type ProductInput = z.infer<typeof ProductSchema>;

/** The product page's forms, told apart by `intent`: change its terms, retire it, offer it again (both reversible, so unconfirmed). */
export const ProductActionSchema = z.discriminatedUnion("intent", [
  ProductSchema.extend({ intent: z.literal("edit") }),
  z.object({ intent: z.literal("retire") }),
  z.object({ intent: z.literal("bring-back") }),
]);
export type ProductAction = z.infer<typeof ProductActionSchema>;

export const ApplicationSchema = z.object({
  borrowerId: z.string({ required_error: "Choose the borrower" }).uuid("Choose the borrower"),
  productId: z.string({ required_error: "Choose the product" }).uuid("Choose the product"),
  amount: amountField("the amount asked for"),
  termPeriods: z.coerce.number({ required_error: "Enter the number of installments", invalid_type_error: "Enter a whole number of installments" }).int("Enter a whole number of installments").min(1, "At least one installment").max(600),
  annualRate: rateField,
  purpose: z.string({ required_error: "Say what the loan is for" }).trim().min(1, "Say what the loan is for").max(2000),
});
export type ApplicationInput = z.infer<typeof ApplicationSchema>;

/** The officer's workflow steps on an application, one form each, told apart by `intent`. */
export const ApplicationStepSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("submit") }),
  z.object({
    intent: z.literal("review"),
    officerNotes: z.string({ required_error: "Write your notes" }).trim().min(1, "Write your notes").max(10_000),
    monthlyIncome: optionalAmount("the monthly income"),
    monthlyOutgoings: optionalAmount("the monthly outgoings"),
  }),
  z.object({ intent: z.literal("refer") }),
  z.object({ intent: z.literal("offer"), firstDue: isoDate.optional() }),
  z.object({ intent: z.literal("accept") }),
  z.object({ intent: z.literal("disburse"), disbursedOn: isoDate }),
  z.object({ intent: z.literal("withdraw"), confirmed }),
]);
export type ApplicationStep = z.infer<typeof ApplicationStepSchema>;

export const VoteSchema = z.object({
  vote: z.enum(["approve", "decline", "recuse"], { required_error: "Choose approve, decline or recuse" }),
  comment: z.string({ required_error: "Give a reason for your vote" }).trim().min(1, "Give a reason for your vote").max(2000),
});

export const LoanActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("repayment"),
    amount: amountField("the amount paid"),
    onDate: isoDate,
    method: z.enum(["manual", "bank", "card"], { required_error: "Choose how it was paid" }),
    order: z.enum(["fees,interest,principal", "interest,fees,principal", "principal,interest,fees"]).default("fees,interest,principal"),
    reschedule: z.enum(["shorter-term", "lower-installment"]).default("shorter-term"),
    note: text(500),
  }),
  z.object({
    intent: z.literal("reversal"),
    transactionId: z.string({ required_error: "Choose the repayment" }).regex(/^\d+$/, "Choose the repayment"),
    onDate: isoDate,
    note: z.string({ required_error: "Say why it is reversed" }).trim().min(1, "Say why it is reversed").max(500),
    confirmed,
  }),
  z.object({ intent: z.literal("recovery"), amount: amountField("the amount recovered"), onDate: isoDate, note: text(500) }),
  z.object({
    intent: z.literal("payout-reversal"),
    onDate: isoDate,
    note: z.string({ required_error: "Say why the pay-out is reversed" }).trim().min(1, "Say why the pay-out is reversed").max(500),
    confirm: z.literal("on", { errorMap: () => ({ message: "Tick the box to confirm the pay-out was recorded in error" }) }),
    confirmed,
  }),
]);
export type LoanAction = z.infer<typeof LoanActionSchema>;

export const WriteOffSchema = z.object({
  onDate: isoDate,
  note: z.string({ required_error: "Record the board's decision" }).trim().min(1, "Record the board's decision").max(1000),
});

/** The write-off page's posts: a proposal, or a decision on one (a second board member's, or the proposer withdrawing it). */
export const WriteOffActionSchema = z.discriminatedUnion("intent", [
  WriteOffSchema.extend({ intent: z.literal("propose") }),
  // Approving writes the loan off for good: it carries the confirmation; rejecting or withdrawing a proposal does not.
  z.object({ intent: z.literal("approve"), proposalId: z.string().uuid(), note: z.string().trim().max(1000).default(""), confirmed }),
  z.object({
    intent: z.enum(["reject", "withdraw"]),
    proposalId: z.string().uuid(),
    note: z.string().trim().max(1000).default(""),
  }),
]);

/** A borrower paying by card from their own loan page. */
export const CardRepaymentSchema = z.object({
  loanId: z.string().uuid("Choose a loan"),
  amount: amountField("the amount to pay"),
});
