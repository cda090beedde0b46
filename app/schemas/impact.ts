import { z } from "zod";
import { AMOUNT_TOO_LARGE, amountInRange, confirmed, isoDate } from "./common";
import { withoutCurrencySign } from "~/domain/money";

/** Forms of the community wealth area: anchor institutions, spend uploads, LM3, impact settings. */

export const ANCHOR_KINDS = [
  ["council", "Council"],
  ["hospital", "Hospital / NHS trust"],
  ["college", "College"],
  ["university", "University"],
  ["housing-association", "Housing association"],
  ["other", "Other anchor institution"],
] as const;

export const AnchorSchema = z.object({
  intent: z.literal("add-anchor"),
  name: z.string({ required_error: "Enter the institution's name" }).trim().min(1, "Enter the institution's name").max(200, "Use at most 200 characters"),
  kind: z.enum(ANCHOR_KINDS.map(([v]) => v) as [string, ...string[]], { required_error: "Choose what kind of institution it is" }),
});

export const ImpactSettingsSchema = z.object({
  intent: z.literal("settings"),
  widerArea: z.string().max(5000).optional().default(""),
  publicPage: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()).default(false),
  publicSummary: z.string().trim().max(2000, "Use at most 2,000 characters").optional().default(""),
});

/** The spend file is read on the server (a File in the form data); the schema checks what came with it. */
export const SpendUploadSchema = z.object({
  intent: z.literal("upload"),
  spendFile: z
    .instanceof(File, { message: "Choose a CSV file of supplier spend" })
    .refine((f) => f.size > 0, "Choose a CSV file of supplier spend")
    .refine((f) => f.size <= 20 * 1024 * 1024, "The file is larger than 20 MB; split it by year"),
});

export const WithdrawUploadSchema = z.object({
  intent: z.literal("withdraw"),
  uploadId: z.string().uuid("Not a valid upload"),
  confirmed,
});

const moneyText = (label: string) =>
  z
    .string({ required_error: `Enter ${label}` })
    .trim()
    .transform((s) => withoutCurrencySign(s))
    .pipe(z.string().regex(/^\d+(\.\d{1,2})?$/, `Enter ${label} as an amount, like 60000 or 60000.00`).refine(amountInRange, AMOUNT_TOO_LARGE));

export const Lm3Schema = z
  .object({
    intent: z.enum(["calculate", "save"]),
    name: z.string({ required_error: "Name the study, e.g. \"2025-26 accounts\"" }).trim().min(1).max(200),
    periodFrom: isoDate,
    periodTo: isoDate,
    income: moneyText("income (round 1)"),
    suppliers: moneyText("local spend with suppliers"),
    staff: moneyText("local spend on staff"),
    r3Source: z.enum(["entered", "survey"]).default("entered"),
    respend: z.string().trim().optional().refine(amountInRange, AMOUNT_TOO_LARGE),
    survey: z.string().max(1_000_000).optional().default(""),
  })
  .superRefine((v, ctx) => {
    if (v.periodTo < v.periodFrom) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["periodTo"], message: "The period must end on or after it starts" });
    if (v.r3Source === "entered" && !/^\d+(\.\d{1,2})?$/.test(withoutCurrencySign(v.respend ?? ""))) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["respend"], message: "Enter local re-spend (round 3) as an amount, or choose survey answers" });
    }
    if (v.r3Source === "survey" && (v.survey ?? "").trim() === "") {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["survey"], message: "Paste the survey answers (recipient, amount, local_percent)" });
    }
  });

export const AsAtSchema = z.object({ asAt: isoDate.optional() });

export const FIGURES = ["capital", "lending", "jobs", "members", "sector", "ownership", "leadership"] as const;
export const FigureSchema = z.object({ figure: z.enum(FIGURES), asAt: isoDate.optional() });

export const YearSchema = z.object({ yearEnd: isoDate.optional() });
