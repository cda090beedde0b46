import { useMoneyStyle } from "~/components/money";
import { Stat } from "~/components/ui";
import { chartMoney, displayMoney, type MoneyStyle } from "~/domain/money";
import { pct } from "./chart";
import { StaleFiguresNote } from "./stale-figures";

/**
 * Headline figures for members and the public: totals and shares, never
 * names. `money`: the organisation's style where no one is signed in to it
 * (the public page); else the session's organisation's.
 */
export function ImpactHeadlineStats({ h, money }: { money?: MoneyStyle; h: {
  members: number;
  localMembersPercent: string | null;
  capitalTotal: string;
  capitalLocal: string;
  capitalLocalPercent: string | null;
  lendingTotal: string;
  loans: number;
  lendingLocal: string;
  lendingLocalPercent: string | null;
  jobsCreated: number;
  jobsSafeguarded: number;
  lm3: { name: string; value: string } | null;
  joinedLastYear: number;
  localShares?: { asAt: string; stale: { workedOutAt: string | Date } | null };
} }) {
  const session = useMoneyStyle();
  const style = money ?? session;
  // "Each £1 of income is worth £1.84 locally": the LM3 ratio read as money.
  const one = displayMoney(1n, style, 0);
  const worth = (ratio: string) => chartMoney(style, false)(Number(ratio));
  return (
    <>
    <StaleFiguresNote stale={h.localShares?.stale ?? null} what="The local shares and jobs are" />
    <section className="grid" aria-label="Headline figures">
      <Stat figure="members" label="Members" value={h.members} hint={`${pct(h.localMembersPercent)} live locally; ${h.joinedLastYear} joined in the last 12 months`} />
      <Stat label="Share capital held locally" value={pct(h.capitalLocalPercent)} hint={`${h.capitalLocal} of ${h.capitalTotal}`} />
      <Stat label="Lending to local businesses" value={pct(h.lendingLocalPercent)} hint={`${h.lendingLocal} of ${h.lendingTotal} outstanding`} />
      <Stat figure="capital" label="Share capital" value={h.capitalTotal} />
      <Stat figure="outstanding" label="Lending outstanding" value={h.lendingTotal} hint={`${h.loans} loans with principal still owed`} />
      <Stat label="Jobs created and safeguarded" value={h.jobsCreated + h.jobsSafeguarded} hint={`${h.jobsCreated} created, ${h.jobsSafeguarded} safeguarded`} />
      {h.lm3 ? <Stat label="Local Multiplier 3" value={h.lm3.value} hint={`Each ${one} of income is worth ${worth(h.lm3.value)} locally (${h.lm3.name})`} /> : null}
    </section>
    </>
  );
}
