import { describe, expect, it } from "vitest";
import { displayDateTime, displayLongDate, displayShortDate, isLocale, LOCALE_CODES, localeOrDefault } from "./locale";
import { displayMoney, moneyStyleOf } from "./money";
import { OrganisationSettingsSchema } from "~/schemas/organisation";

const NBSP = "\u00a0";
const NNBSP = "\u202f";

describe("money in the organisation's locale", () => {
  it("writes the same amount each locale's way", () => {
    const shown = (currency: string, locale: string) => displayMoney(123456n, { currency, locale });
    expect(shown("EUR", "de-DE")).toBe(`1.234,56${NBSP}€`);
    expect(shown("EUR", "fr-FR")).toBe(`1${NNBSP}234,56${NBSP}€`);
    expect(shown("EUR", "nl-NL")).toBe(`€${NBSP}1.234,56`);
    expect(shown("EUR", "en-IE")).toBe("€1,234.56");
    expect(shown("USD", "en-US")).toBe("$1,234.56");
    expect(shown("GBP", "cy-GB")).toBe("£1,234.56");
    expect(shown("EUR", "ga-IE")).toBe("€1,234.56");
    expect(shown("EUR", "pt-PT")).toBe(`1234,56${NBSP}€`);
    expect(displayMoney(-123456n, { currency: "EUR", locale: "de-DE" })).toBe(`-1.234,56${NBSP}€`);
    expect(displayMoney(123456n, { currency: "JPY", locale: "de-DE" })).toBe(`123.456${NBSP}¥`);
  });

  it("writes en-GB exactly as a bare currency code always has", () => {
    for (const units of [0n, 5n, -5n, 123456789n, 10n ** 20n + 1n]) {
      for (const currency of ["GBP", "EUR", "USD", "JPY"]) {
        expect(displayMoney(units, { currency, locale: "en-GB" })).toBe(displayMoney(units, currency));
      }
    }
    expect(displayMoney(123456n, moneyStyleOf({ currency: "GBP" }))).toBe("£1,234.56");
    expect(displayMoney(12345678n, { currency: "GBP", locale: "de-DE" }, 6)).toBe(`12,345678${NBSP}£`);
  });

  it("knows every locale it offers, and the runtime writes each", () => {
    for (const code of LOCALE_CODES) {
      expect(isLocale(code)).toBe(true);
      expect(Intl.NumberFormat.supportedLocalesOf(code)).toEqual([code]);
    }
    expect(LOCALE_CODES).toEqual(expect.arrayContaining(["en-GB", "en-IE", "en-US", "cy-GB", "ga-IE", "fr-FR", "de-DE", "es-ES", "nl-NL", "it-IT", "pt-PT"]));
    for (const bad of ["", "de", "xx-XX", "en-gb", "EN-GB", "en_GB", null, 3]) expect(isLocale(bad)).toBe(false);
    expect(localeOrDefault("de-DE")).toBe("de-DE");
    expect(localeOrDefault("tlh-QO")).toBe("en-GB");
    expect(localeOrDefault(null)).toBe("en-GB");
  });

  it("writes a business date in full in the locale", () => {
    expect(displayLongDate("2026-11-20")).toBe("20 November 2026");
    expect(displayLongDate("2026-11-20", "de-DE")).toBe("20. November 2026");
    expect(displayLongDate("2026-03-01", "en-US")).toBe("March 1, 2026");
    expect(displayLongDate("2026-03-01", "cy-GB")).toBe("1 Mawrth 2026");
  });

  it("writes a business date short for tables, the same day in every locale", () => {
    expect(displayShortDate("2026-12-03")).toBe("3 Dec 2026");
    expect(displayShortDate("2026-12-03", "de-DE")).toBe("03.12.2026");
    expect(displayShortDate("2026-12-31", "en-US")).toBe("Dec 31, 2026");
    // The first and last day of a year stay in their year (no time zone shifts a calendar day).
    expect(displayShortDate("2027-01-01", "fr-FR")).toBe("1 janv. 2027");
  });

  it("writes an instant as the day and time in the organisation's time zone", () => {
    const at = new Date("2026-06-01T23:30:00Z");
    expect(displayDateTime(at, "Europe/London")).toBe("2 Jun 2026, 00:30");
    expect(displayDateTime(at, "UTC", "de-DE")).toBe("01.06.2026, 23:30");
  });
});

describe("the settings' locale field", () => {
  const form = { name: "Co-op", legalForm: "worker-co-op", currency: "EUR", timeZone: "Europe/London" };
  it("takes a locale on the list, and none at all (the locale then stays as it is)", () => {
    expect(OrganisationSettingsSchema.parse({ ...form, locale: "de-DE" }).locale).toBe("de-DE");
    expect(OrganisationSettingsSchema.parse(form).locale).toBeUndefined();
  });
  it("refuses any other, with words for the field", () => {
    for (const bad of ["xx-XX", "de", "en-gb", "en-GB ", "<b>"]) {
      const r = OrganisationSettingsSchema.safeParse({ ...form, locale: bad });
      expect(r.success).toBe(false);
      expect(r.error!.flatten().fieldErrors.locale).toEqual(["Choose a locale from the list, e.g. en-GB"]);
    }
  });
});
