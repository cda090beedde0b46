/**
 * Business dates. A co-op's day is the day on its own calendar: a payment
 * taken at 00:30 on a UK summer morning belongs to that morning, not to the
 * UTC day before. Every business date the app writes or shows as "today"
 * comes from `dateInZone(now, organisation's time zone)`, through the one
 * `today()` seam in app/utils/clock.server.ts.
 */

export const DEFAULT_TIME_ZONE = "Europe/London";

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string) {
  let f = formats.get(timeZone);
  if (!f) {
    // en-CA writes dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formats.set(timeZone, f);
  }
  return f;
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function dateInZone(instant: Date, timeZone: string): string {
  const parts = formatFor(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Whether the runtime knows this IANA time zone name. */
export function isTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false;
  try {
    formatFor(name);
    return true;
  } catch {
    return false;
  }
}

/** The IANA zones offered in settings (the runtime's own list). */
export function timeZoneNames(): string[] {
  const names = Intl.supportedValuesOf("timeZone");
  return names.includes("UTC") ? names : [...names, "UTC"];
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time (HH:MM, 24-hour) of an instant in a time zone: when a meeting has opened, say. */
export function timeInZone(instant: Date, timeZone: string): string {
  let f = clocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    clocks.set(timeZone, f);
  }
  const parts = f.formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("hour")}:${get("minute")}`;
}
