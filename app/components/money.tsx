import { useRouteLoaderData } from "@remix-run/react";
import { currencySign, DEFAULT_MONEY_LOCALE, displayMoney, parseMoney, type MoneyStyle } from "~/domain/money";

/**
 * How the session's organisation writes money (its currency and locale),
 * from the layout's data, for what a component writes itself: a chart's
 * ticks, a form label's sign. Loaders still send amounts as display strings.
 */
export function useMoneyStyle(): MoneyStyle {
  const root = useRouteLoaderData("root") as { organisation?: { currency?: string; locale?: string | null } | null } | undefined;
  return { currency: root?.organisation?.currency ?? "GBP", locale: root?.organisation?.locale ?? DEFAULT_MONEY_LOCALE };
}

/** The organisation's currency sign for a money field's label: "Amount paid (€)". */
export function useCurrencySign(): string {
  return currencySign(useMoneyStyle());
}

/** An amount a loader sent as plain decimal text ("1234.50", as a form field takes it) written for people. */
export function usePlainMoney(): (plain: string) => string {
  const style = useMoneyStyle();
  return (plain) => displayMoney(parseMoney(plain), style);
}
