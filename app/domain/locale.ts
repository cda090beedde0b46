/**
 * The locale an organisation writes money and dates in for people (issue #17
 * point 3): separators, the symbol's place, month names. Stored on the
 * organisation (0034), chosen in the settings from this list, and threaded
 * with the currency from the session to whatever formats (pages, PDFs,
 * emails). Machine-readable output (CSV amounts, ISO dates, form values)
 * does not change with it. Pages show business dates through these (or the
 * `<DateText>` of app/components/dates.tsx, which reads the organisation's
 * locale itself); ISO stays in form values, `dateTime` attributes, URLs, CSV.
 */

export const DEFAULT_LOCALE = "en-GB";

/** The locales offered, with their names in English and in their own language. */
export const LOCALES = [
  ["en-GB", "English (United Kingdom)"],
  ["en-IE", "English (Ireland)"],
  ["en-US", "English (United States)"],
  ["cy-GB", "Welsh: Cymraeg (Y Deyrnas Unedig)"],
  ["ga-IE", "Irish: Gaeilge (Éire)"],
  ["fr-FR", "French: Français (France)"],
  ["de-DE", "German: Deutsch (Deutschland)"],
  ["es-ES", "Spanish: Español (España)"],
  ["nl-NL", "Dutch: Nederlands (Nederland)"],
  ["it-IT", "Italian: Italiano (Italia)"],
  ["pt-PT", "Portuguese: Português (Portugal)"],
] as const;

export type Locale = (typeof LOCALES)[number][0];

export const LOCALE_CODES = LOCALES.map(([code]) => code) as [Locale, ...Locale[]];

export function isLocale(text: unknown): text is Locale {
  return typeof text === "string" && (LOCALE_CODES as readonly string[]).includes(text);
}

/** A stored locale the list no longer offers (or the runtime does not know) is written as the default. */
export function localeOrDefault(text: string | null | undefined): string {
  return text && isLocale(text) ? text : DEFAULT_LOCALE;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string, key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const k = `${locale}|${key}`;
  let f = dateFormats.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    dateFormats.set(k, f);
  }
  return f;
}

/** A business date (YYYY-MM-DD) written out in full: "3 December 2026" (en-GB), "3. Dezember 2026" (de-DE). */
export function displayLongDate(iso: string, locale: string = DEFAULT_LOCALE): string {
  const [y, m, d] = iso.split("-").map(Number);
  return dateFormat(locale, "long-date", { dateStyle: "long", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}

/**
 * A business date (YYYY-MM-DD) in the short form dense tables use: "3 Dec 2026" (en-GB),
 * "03.12.2026" (de-DE). The day is a calendar day, not an instant: no time zone moves it.
 */
export function displayShortDate(iso: string, locale: string = DEFAULT_LOCALE): string {
  const [y, m, d] = iso.split("-").map(Number);
  return dateFormat(locale, "short-date", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** An instant as a short date: "3 Dec 2026" (en-GB), "03.12.2026" (de-DE), in the organisation's time zone. */
export function displayDate(instant: Date, timeZone: string, locale: string = DEFAULT_LOCALE): string {
  return dateFormat(locale, `date|${timeZone}`, { timeZone, dateStyle: "medium" }).format(instant);
}

/** An instant as a date and time of day in the organisation's time zone: "24 Nov 2026, 19:45" (en-GB). */
export function displayDateTime(instant: Date, timeZone: string, locale: string = DEFAULT_LOCALE): string {
  return dateFormat(locale, `date-time|${timeZone}`, { timeZone, dateStyle: "medium", timeStyle: "short" }).format(instant);
}
