import { dateInZone } from "~/domain/today";

/**
 * The one seam for "today": the business date in the organisation's time
 * zone. Never take a business date from the UTC clock
 * (`new Date().toISOString()`; the lint rule refuses it).
 */
export function today(organisation: { timeZone: string }, now: Date = new Date()): string {
  return dateInZone(now, organisation.timeZone);
}

/** The date an instant (a row's timestamp) falls on in the organisation's time zone. */
export function dayOf(instant: Date, organisation: { timeZone: string }): string {
  return dateInZone(instant, organisation.timeZone);
}
