import { useRouteLoaderData } from "@remix-run/react";
import { DEFAULT_MONEY_LOCALE, type MoneyStyle } from "~/domain/money";

/**
 * How the session's organisation writes money (its currency and locale),
 * from the layout's data, for what a component writes itself: a chart's
 * ticks, a form label's sign. Loaders still send amounts as display strings.
 */
export function useMoneyStyle(): MoneyStyle {
  const root = useRouteLoaderData("root") as { organisation?: { currency?: string; locale?: string | null } | null } | undefined;
  return { currency: root?.organisation?.currency ?? "GBP", locale: root?.organisation?.locale ?? DEFAULT_MONEY_LOCALE };
}
