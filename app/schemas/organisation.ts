import { z } from "zod";
import { ROLES } from "~/domain/permissions";
import { emailField, MAX_MEMBER_NUMBER } from "./common";
import { isTimeZone } from "~/domain/today";
import { LOCALE_CODES } from "~/domain/locale";

export const LEGAL_FORMS = [
  ["co-operative-society", "Co-operative society"],
  ["worker-co-op", "Worker co-operative"],
  ["community-benefit-society", "Community benefit society"],
  ["credit-union", "Credit union"],
  ["community-bank", "Community bank"],
] as const;

export const OrganisationSettingsSchema = z.object({
  name: z.string({ required_error: "Enter the organisation's name" }).trim().min(1, "Enter the organisation's name").max(200),
  legalForm: z.enum(LEGAL_FORMS.map(([v]) => v) as [string, ...string[]], { required_error: "Choose a legal form" }),
  currency: z.enum(["GBP", "EUR", "USD"], { required_error: "Choose a currency" }),
  timeZone: z.string({ required_error: "Choose a time zone" }).trim().refine(isTimeZone, "Choose a time zone from the list, e.g. Europe/London"),
  /** Absent (a page from before the field): the locale stays as it is. */
  locale: z.enum(LOCALE_CODES, { errorMap: () => ({ message: "Choose a locale from the list, e.g. en-GB" }) }).optional(),
  localArea: z.string().max(5000).optional().default(""),
  noticeDays: z.coerce.number({ invalid_type_error: "Enter a number of days" }).int("Whole days only").min(0).max(3650).default(14),
  quorumMembers: z.coerce.number({ invalid_type_error: "Enter a number" }).int().min(0).max(1_000_000).default(2),
  quorumPercent: z.coerce.number({ invalid_type_error: "Enter a percentage" }).min(0).max(100).default(10),
  specialResolutionPercent: z.coerce.number({ invalid_type_error: "Enter a percentage" }).min(50).max(100).default(75),
  withdrawalNoticeDays: z.coerce.number({ invalid_type_error: "Enter a number of days" }).int().min(0).max(3650).default(90),
  maxProxiesPerHolder: z.coerce.number({ invalid_type_error: "Enter a number" }).int().min(0).max(1000).default(5),
  rateCapMonthlyPercent: z.coerce.number({ invalid_type_error: "Enter a percentage" }).min(0).max(100).default(3),
  /** An unticked checkbox sends nothing: off. */
  requireTwoFactorForOfficers: z.boolean().optional().default(false),
});

export const InviteSchema = z.object({
  email: emailField,
  roles: z
    .array(z.enum(ROLES), { required_error: "Choose at least one role" })
    .min(1, "Choose at least one role"),
  memberNumber: z.coerce.number().int().positive("Member numbers start at 1").max(MAX_MEMBER_NUMBER, "No member has that number").optional(),
});

export const RolesSchema = z.object({
  userId: z.string().uuid(),
  roles: z.array(z.enum(ROLES)).default([]),
});
