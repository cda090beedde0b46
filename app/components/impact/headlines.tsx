import { Stat } from "~/components/ui";
import { pct } from "./chart";

/** Headline figures for members and the public: totals and shares, never names. */
export function ImpactHeadlineStats({ h }: { h: {
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
} }) {
  return (
    <section className="grid" aria-label="Headline figures">
      <Stat figure="members" label="Members" value={h.members} hint={`${pct(h.localMembersPercent)} live locally; ${h.joinedLastYear} joined in the last 12 months`} />
      <Stat label="Share capital held locally" value={pct(h.capitalLocalPercent)} hint={`${h.capitalLocal} of ${h.capitalTotal}`} />
      <Stat label="Lending to local businesses" value={pct(h.lendingLocalPercent)} hint={`${h.lendingLocal} of ${h.lendingTotal} outstanding`} />
      <Stat figure="capital" label="Share capital" value={h.capitalTotal} />
      <Stat figure="outstanding" label="Lending outstanding" value={h.lendingTotal} hint={`${h.loans} loans with principal still owed`} />
      <Stat label="Jobs created and safeguarded" value={h.jobsCreated + h.jobsSafeguarded} hint={`${h.jobsCreated} created, ${h.jobsSafeguarded} safeguarded`} />
      {h.lm3 ? <Stat label="Local Multiplier 3" value={h.lm3.value} hint={`Each £1 of income is worth £${h.lm3.value} locally (${h.lm3.name})`} /> : null}
    </section>
  );
}
