import type { z } from "zod";
import { futureDateRefusal } from "~/domain/as-at";
import { defaultYearEnd } from "~/models/impact/impact-figures.server";
import { uuid } from "~/schemas/common";
import { YearSchema } from "~/schemas/impact";
import { RegisterParams } from "~/schemas/shares";
import { notFoundResponse } from "~/web/refusals.server";

/**
 * A route's id parameter (`params[name]`), or a 404 (with `message`, as for a
 * well-formed id of nothing): a malformed id is simply a page that does not exist.
 */
export function idParam(params: Readonly<Record<string, string | undefined>>, name: string, message?: string): string {
  const parsed = uuid.safeParse(params[name]);
  if (!parsed.success) throw notFoundResponse(message);
  return parsed.data;
}

/**
 * The year end a report is for: `?yearEnd=YYYY-MM-DD`, or the last 31 December
 * before `today` (the organisation's business date) when none is given; a malformed date is a 400.
 */
export function yearEndParam(request: Request, today: string): string {
  const parsed = YearSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new Response("Give the year end as YYYY-MM-DD.", { status: 400 });
  return parsed.data.yearEnd ?? defaultYearEnd(today);
}

/**
 * A page's query string read with its schema, or a 400 naming what is wrong
 * (a search longer than the page takes, say): an address typed or made by a
 * script is bad input, not a fault.
 */
export function queryParams<Schema extends z.ZodTypeAny>(request: Request, schema: Schema): z.output<Schema> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Response(`${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  return parsed.data;
}

/**
 * The register's export query (search, status, as-at date) for the CSV and
 * the PDF: as at today when no date is given; a date after today is a 400,
 * as a file cannot show figures not yet known.
 */
export function registerExportParams(request: Request, today: string) {
  const params = queryParams(request, RegisterParams);
  if (params.asAt && params.asAt > today) throw new Response(futureDateRefusal(params.asAt, today), { status: 400 });
  return { ...params, asAt: params.asAt ?? today };
}
