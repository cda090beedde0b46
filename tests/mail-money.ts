/**
 * Issue #16 (rough 5): an email shows every amount with its currency
 * ("£25.00"), never bare ("25.00"). `bareAmounts` lists the amounts in a
 * message's text that have no currency symbol before them (percentages such
 * as an APR's "12.68%" are not amounts).
 */
export function bareAmounts(text: string, symbol = "£"): string[] {
  const bare: string[] = [];
  for (const m of text.matchAll(/\d[\d,]*\.\d{2}(?![\d%])/g)) {
    const before = text.slice(0, m.index);
    if (!before.endsWith(symbol) && !before.endsWith(`-${symbol}`) && !before.endsWith(`${symbol}-`)) bare.push(m[0]);
  }
  return bare;
}

/** What is wrong with a message that carries money: no amount with the currency in it, or amounts without it. [] when right. */
export function moneyProblems(text: string, symbol = "£"): string[] {
  const withCurrency = text.includes(symbol) && new RegExp(`${symbol}\\d`).test(text);
  return [...(withCurrency ? [] : [`no amount with ${symbol}`]), ...bareAmounts(text, symbol).map((a) => `${a} without ${symbol}`)];
}
