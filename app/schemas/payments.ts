import { z } from "zod";
import { uuid } from "./common";

/** A GoCardless mandate id as the dashboard shows it (MD followed by letters and digits). */
export const providerMandateId = z
  .string({ required_error: "Enter the mandate's id from GoCardless (it starts with MD)" })
  .trim()
  .toUpperCase()
  .regex(/^MD[0-9A-Z]{4,30}$/, "A GoCardless mandate id starts with MD, such as MD000123ABC");

/** The loan's Direct Debit page: ask the borrower to set one up, record one made in GoCardless, or cancel it. */
export const LoanDirectDebitSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("setup") }),
  z.object({ intent: z.literal("record"), providerMandateId }),
  z.object({ intent: z.literal("cancel"), mandateId: uuid }),
]);

/** A member's own monthly share instalment by Direct Debit. */
export const ShareDirectDebitSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("setup"),
    classId: uuid,
    sharesPerMonth: z.coerce
      .number({ required_error: "Enter the number of shares a month", invalid_type_error: "Shares are whole numbers" })
      .int("Shares can only be whole: enter a whole number")
      .min(1, "Enter at least 1 share a month")
      .max(1_000_000, "That is more shares a month than any holding can take"),
    collectionDay: z.coerce
      .number({ required_error: "Choose the day of the month", invalid_type_error: "Choose a day from 1 to 28" })
      .int("Choose a day from 1 to 28")
      .min(1, "Choose a day from 1 to 28")
      .max(28, "Choose a day from 1 to 28 (every month has one)"),
  }),
  z.object({ intent: z.literal("cancel"), mandateId: uuid }),
]);
