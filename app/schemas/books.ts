import { z } from "zod";
import { EXPORT_FORMATS } from "~/domain/treasury/journal-export";
import { isoDate } from "./common";

/** The books page: a trial balance as at a day, from a day (the start of its year unless given). */
export const BooksParams = z.object({
  asAt: isoDate.optional().catch(undefined),
  from: isoDate.optional().catch(undefined),
});

/** Export the journal of a period in a package's format (which locks the period). */
export const ExportSchema = z
  .object({
    from: isoDate,
    to: isoDate,
    format: z.enum(EXPORT_FORMATS, { errorMap: () => ({ message: "Choose Xero, QuickBooks or Sage" }) }),
  })
  .refine((v) => v.from <= v.to, { message: "The period ends before it starts", path: ["to"] });

const externalCode = z.string().trim().max(40, "Use at most 40 characters").regex(/^[\w .:/-]*$/, "Use letters, digits, spaces and . : / - only");
const externalName = z.string().trim().max(150, "Use at most 150 characters");

/** The chart's mapping to the accounting package: one code and name per account (blank: the default). */
export const MappingSchema = z.object({
  accounts: z
    .array(z.object({ code: z.string().regex(/^\d{4}$/), externalCode: externalCode.default(""), externalName: externalName.default("") }))
    .min(1)
    .max(100),
});
