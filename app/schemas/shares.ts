import { z } from "zod";
import { parseMoney } from "~/domain/money";
import { isValidPostcode } from "~/domain/postcode";
import { confirmed, emailField, isoDate, jobId, MAX_MEMBER_NUMBER, searchText, uuid } from "./common";

/** Shared by the share forms, their actions, the import and the CLIs. */

const money = (label: string) =>
  z
    .string({ required_error: `Enter the ${label}` })
    .trim()
    .refine((s) => {
      try {
        return parseMoney(s) > 0n;
      } catch {
        return false;
      }
    }, `Enter the ${label} as an amount like 1.00`)
    .transform((s) => parseMoney(s));

const wholeShares = (label = "number of shares") =>
  z.coerce
    .number({ required_error: `Enter the ${label}`, invalid_type_error: "Shares are whole numbers" })
    .int("Shares can only be whole: enter a whole number")
    .min(1, "Enter at least 1 share")
    .max(1_000_000_000, "That is more shares than any holding can have");

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());

export const VOTING_RULES = [["one-member-one-vote", "One member, one vote"], ["weighted", "Weighted (multi-stakeholder or bank set-ups)"]] as const;

export const ShareClassSchema = z.object({
  name: z.string({ required_error: "Enter a name" }).trim().min(1, "Enter a name").max(100),
  parValue: money("par value"),
  minHolding: z.coerce.number({ invalid_type_error: "Enter a whole number" }).int("Enter a whole number").min(0).max(1_000_000).default(1),
  maxHolding: z
    .string()
    .trim()
    .optional()
    .refine((s) => {
      if (!s) return true;
      try {
        return parseMoney(s) > 0n;
      } catch {
        return false;
      }
    }, "Enter an amount like 100000.00, or leave empty for no maximum")
    .transform((s) => (s ? parseMoney(s) : null)),
  withdrawable: checkbox,
  transferable: checkbox,
  noticeDays: z.coerce.number({ invalid_type_error: "Enter a whole number of days" }).int().min(0).max(3650).default(90),
  interestRate: z
    .string()
    .trim()
    .default("0")
    .refine((s) => /^\d{1,3}(\.\d{1,2})?$/.test(s || "0") && Number(s || "0") <= 100, "Enter a percentage like 3 or 2.5")
    .transform((s) => Number(parseMoney(s || "0"))),
  voting: z.enum(["one-member-one-vote", "weighted"]).default("one-member-one-vote"),
});
export type ShareClassInput = z.infer<typeof ShareClassSchema>;

export const PAYMENT_METHODS = [["bank_transfer", "Bank transfer"], ["cash", "Cash"], ["cheque", "Cheque"]] as const;

export const ManualPurchaseSchema = z.object({
  memberNumber: z.coerce.number({ required_error: "Enter the member number", invalid_type_error: "Member numbers are whole numbers" }).int("Member numbers are whole numbers").positive("Member numbers start at 1").max(MAX_MEMBER_NUMBER, "No member has that number"),
  classId: uuid,
  shares: wholeShares(),
  method: z.enum(["bank_transfer", "cash", "cheque"], { required_error: "Choose how it was paid" }),
  paidOn: isoDate,
  reference: z.string().trim().max(200).optional().default(""),
});

export const BuySchema = z.object({
  classId: uuid,
  shares: wholeShares(),
});

export const WithdrawalRequestSchema = z.object({
  classId: uuid,
  shares: wholeShares(),
  leaving: checkbox,
});

export const SuspensionSchema = z.object({
  classId: z.string().trim().optional().transform((s) => (s ? s : null)).pipe(uuid.nullable()),
  fromOn: isoDate,
  reason: z.string({ required_error: "Give the reason members will see" }).trim().min(1, "Give the reason members will see").max(1000),
});

export const EndSuspensionSchema = z.object({ suspensionId: uuid, untilOn: isoDate });

export const PayWithdrawalsSchema = z.object({ paidOn: isoDate });

export const JOIN_DECLARATIONS = [
  ["rules", "I have read the society's rules and agree to be bound by them"],
  ["age", "I am 16 or over (or, for an organisation, I am authorised to apply for it)"],
  ["risk", "I understand that share capital is at risk and is not covered by the FSCS"],
] as const;

export const JoinSchema = z.object({
  kind: z.enum(["person", "organisation"], { required_error: "Choose person or organisation" }),
  name: z.string({ required_error: "Enter your name" }).trim().min(1, "Enter your name").max(200),
  email: emailField,
  phone: z.string().trim().max(40).optional().transform((v) => v || null),
  address: z.string({ required_error: "Enter your address" }).trim().min(1, "Enter your address").max(500),
  postcode: z.string({ required_error: "Enter a postcode" }).trim().refine(isValidPostcode, "Enter a UK postcode like PR1 2AB"),
  classId: uuid,
  shares: wholeShares("number of shares you are applying for"),
  declarations: z
    .array(z.string())
    .default([])
    .refine((d) => JOIN_DECLARATIONS.every(([k]) => d.includes(k)), "Tick every declaration to apply"),
});

export const DecisionSchema = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("admit"), applicationId: uuid, on: isoDate }),
  z.object({
    decision: z.literal("decline"),
    applicationId: uuid,
    on: isoDate,
    reason: z.string({ required_error: "Give a reason: the applicant is told it" }).trim().min(1, "Give a reason: the applicant is told it").max(1000),
    confirmed,
  }),
]);

export const TransferSchema = z.object({
  classId: uuid,
  fromMemberNumber: z.coerce.number({ invalid_type_error: "Enter a member number" }).int().positive().max(MAX_MEMBER_NUMBER, "No member has that number"),
  toMemberNumber: z.coerce.number({ invalid_type_error: "Enter a member number" }).int().positive().max(MAX_MEMBER_NUMBER, "No member has that number"),
  shares: wholeShares(),
});

/** A member asking to transfer some of their own shares to another member (the board then decides). */
export const MemberTransferSchema = z.object({
  classId: uuid,
  toMemberNumber: z.coerce.number({ invalid_type_error: "Enter the other member's number" }).int().positive().max(MAX_MEMBER_NUMBER, "No member has that number"),
  // The name as well as the number, so a mistyped number cannot send shares to the wrong person.
  toName: z.string({ required_error: "Enter the other member's name as it is on the register" }).trim().min(1, "Enter the other member's name as it is on the register").max(200),
  shares: wholeShares(),
});

export const TRANSFER_REASON_MISSING = "Give the reason for not approving the transfer in the board minute: both members are told it.";
/** Approving needs only the date (and perhaps a minute); rejecting needs the reason the member is told, and the confirmation. */
export const TransferDecisionSchema = z.discriminatedUnion("decision", [
  z.object({ transferId: uuid, decision: z.literal("approve"), on: isoDate, note: z.string().trim().max(500).optional().default("") }),
  z.object({
    transferId: uuid,
    decision: z.literal("reject"),
    on: isoDate,
    note: z.string({ required_error: TRANSFER_REASON_MISSING }).trim().min(1, TRANSFER_REASON_MISSING).max(500),
    confirmed,
  }),
]);

export const InterestRunSchema = z.object({
  classId: uuid,
  from: isoDate,
  to: isoDate,
  rate: z
    .string()
    .trim()
    .refine((s) => /^\d{1,3}(\.\d{1,2})?$/.test(s), "Enter a percentage like 3 or 2.5")
    .transform((s) => Number(parseMoney(s))),
  payAs: z.enum(["cash", "shares"]),
  rounding: z.enum(["down", "half-even", "half-up"]).default("down"),
});

export const RegisterParams = z.object({
  q: searchText,
  asAt: isoDate.optional().catch(undefined),
  status: z.enum(["current", "former", "all"]).catch("current").default("current"),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
});

/** 50 MB: about half a million members; bigger registers go through the command-line import. */
/** A members import's progress page (/members/import/:importJobId). */
export const MembersImportJobParams = z.object({ importJobId: jobId });

export const ImportSchema = z.object({
  file: z
    .instanceof(File, { message: "Choose a CSV file" })
    .refine((f) => f.size > 0, "Choose a CSV file")
    .refine((f) => f.size <= 50 * 1024 * 1024, "The file is over 50 MB: use scripts/import-members.ts instead"),
});
