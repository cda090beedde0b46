import { useRouteLoaderData } from "@remix-run/react";
import { DEFAULT_LOCALE, displayDateTime, displayLongDate, displayShortDate, localeOrDefault } from "~/domain/locale";

/**
 * Business dates shown to people (issue #16): in the organisation's locale,
 * "3 December 2026" in headings and sentences, "3 Dec 2026" in dense tables.
 * The locale comes from the layout's data (the session's organisation), so a
 * loader keeps sending ISO dates (YYYY-MM-DD) and the page writes them out.
 */
export function useLocale(): string {
  return useOrganisationStyle().locale;
}

function useOrganisationStyle(): { locale: string; timeZone: string } {
  const root = useRouteLoaderData("root") as { organisation?: { locale?: string | null; timeZone?: string } | null } | undefined;
  return { locale: localeOrDefault(root?.organisation?.locale ?? DEFAULT_LOCALE), timeZone: root?.organisation?.timeZone ?? "UTC" };
}

/** Date words for strings a page builds itself (a heading, a chart's label). */
export function useDateWords() {
  const locale = useLocale();
  return {
    long: (iso: string) => displayLongDate(iso, locale),
    short: (iso: string) => displayShortDate(iso, locale),
  };
}

/**
 * A date as text in a `<time>`, whose `dateTime` keeps the ISO date for machines. `long` writes the month in
 * full (sentences, headings); without it the short form (tables). The browser's copy of the locale data may
 * abbreviate a month differently from the server's ("Sep"/"Sept"): the server's words stay, without a warning.
 */
export function DateText({ iso, long = false, locale }: { iso: string; long?: boolean; locale?: string }) {
  const fromLayout = useLocale();
  const l = locale ?? fromLayout;
  return <time dateTime={iso} suppressHydrationWarning>{long ? displayLongDate(iso, l) : displayShortDate(iso, l)}</time>;
}

/** An instant (a vote cast, a file uploaded) as the day and time in the organisation's time zone: "24 Nov 2026, 19:45". */
export function MomentText({ at }: { at: string | Date }) {
  const { locale, timeZone } = useOrganisationStyle();
  const instant = new Date(at);
  return <time dateTime={instant.toISOString()} suppressHydrationWarning>{displayDateTime(instant, timeZone, locale)}</time>;
}
