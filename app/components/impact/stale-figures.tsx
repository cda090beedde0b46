import { MomentText } from "~/components/dates";

/**
 * Figures served from their last working-out (rememberedOrLast in the
 * headline figures model): on a large register they take seconds, so a
 * page shows the last ones at once, says when they were worked out, and a
 * job works them out again.
 */
export function StaleFiguresNote({ stale, what }: { stale: { workedOutAt: string | Date } | null; what: string }) {
  if (!stale) return null;
  return (
    <div className="alert info" role="status" data-stale-figures>
      {what} as worked out at <MomentText at={stale.workedOutAt} />, before the latest changes to the register or the ledgers. They are being
      worked out again now: reload the page in a minute to see them.
    </div>
  );
}
