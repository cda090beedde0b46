import { defaultYearEnd } from "~/models/impact.server";
import { uuid } from "~/schemas/common";
import { YearSchema } from "~/schemas/impact";

/**
 * A route's id parameter (`params[name]`), or a 404: a malformed id is simply
 * a page that does not exist.
 */
export function idParam(params: Readonly<Record<string, string | undefined>>, name: string): string {
  const parsed = uuid.safeParse(params[name]);
  if (!parsed.success) throw new Response("Not found", { status: 404 });
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
