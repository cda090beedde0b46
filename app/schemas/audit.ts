import { z } from "zod";
import { isAuditKind } from "~/domain/audit-words";
import { isoDate, uuid } from "./common";

/** An empty box or select in a GET form arrives as "": treat it as not given. */
const blank = (v: unknown) => (v === "" ? undefined : v);
const seq = z.preprocess(blank, z.string().regex(/^\d{1,18}$/, "Not a page of the audit trail").transform((s) => BigInt(s)).optional());

/** The audit trail's filters and page, from the query string (the page and the CSV export read the same). */
export const AuditQuerySchema = z
  .object({
    kind: z.preprocess(blank, z.string().refine(isAuditKind, "Choose a kind of event from the list").optional()),
    who: z.preprocess(blank, z.union([z.literal("system"), uuid]).optional()),
    from: z.preprocess(blank, isoDate.optional()),
    to: z.preprocess(blank, isoDate.optional()),
    q: z.preprocess(blank, z.string().trim().max(100, "Search with at most 100 characters").optional()),
    before: seq,
    after: seq,
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.to < v.from) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["to"], message: "The last day must be on or after the first" });
  });
export type AuditQuery = z.output<typeof AuditQuerySchema>;
