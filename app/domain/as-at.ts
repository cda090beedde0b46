/**
 * "As at" dates asked for in a page's query. Nothing is known about days
 * that have not happened, so a future date is never silently shown as if it
 * were: pages show today's position and say so plainly (`notice`), exports
 * refuse it with `futureDateRefusal`.
 */
export interface AsAt {
  /** The date the figures are as at. */
  asAt: string;
  /** True when the date asked for was after today. */
  future: boolean;
  /** What the page says when it shows something other than what was asked. */
  notice: string | null;
}

export function resolveAsAt(asked: string | null | undefined, today: string): AsAt {
  if (!asked) return { asAt: today, future: false, notice: null };
  if (asked > today) return { asAt: today, future: true, notice: `${asked} is in the future, so these figures are as at today, ${today}.` };
  return { asAt: asked, future: false, notice: null };
}

export function futureDateRefusal(asked: string, today: string): string {
  return `The date ${asked} is in the future: figures can be as at today (${today}) at the latest.`;
}
