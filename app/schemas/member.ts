import { z } from "zod";
import { isValidPostcode } from "~/domain/postcode";
import { emailField, isoDate, MAX_MEMBER_NUMBER } from "./common";

export const MEMBER_STATUSES = ["applied", "admitted", "suspended", "ceased"] as const;

const optionalText = (max: number) =>
  z.string().trim().max(max, `Use at most ${max} characters`).optional().transform((v) => (v ? v : null));

export const MemberSchema = z.object({
  kind: z.enum(["person", "organisation"], { required_error: "Choose person or organisation" }),
  name: z.string({ required_error: "Enter the member's name" }).trim().min(1, "Enter the member's name").max(200),
  memberNumber: z.coerce
    .number({ invalid_type_error: "Member numbers are whole numbers" })
    .int("Member numbers are whole numbers")
    .positive("Member numbers start at 1")
    .max(MAX_MEMBER_NUMBER, "Member numbers go up to 2,000,000,000")
    .optional(),
  email: emailField.optional(),
  phone: optionalText(40),
  address: z.string().trim().max(500).optional().default(""),
  postcode: z
    .string({ required_error: "Enter a postcode" })
    .trim()
    .refine(isValidPostcode, "Enter a UK postcode like PR1 2AB"),
  status: z.enum(MEMBER_STATUSES).default("applied"),
  statusDate: isoDate,
});
export type MemberInput = z.infer<typeof MemberSchema>;

export const MemberStatusSchema = z.object({
  status: z.enum(MEMBER_STATUSES, { required_error: "Choose a status" }),
  effectiveOn: isoDate,
  note: z.string().trim().max(500).optional().default(""),
});
