import { DateText } from "~/components/dates";

/** Said with a certified result when voting closed before its meeting opened, with the reason minuted for it. */
/** The stored "2026-12-12 18:30" (the result's record keeps it so) written for people: "12 December 2026 at 18:30". */
function MeetingOpens({ when }: { when: string }) {
  const m = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}))?$/.exec(when);
  if (!m) return <>{when}</>;
  return <><DateText iso={m[1]} long />{m[2] ? ` at ${m[2]}` : ""}</>;
}

export function ClosedEarlyNote({ closedEarly }: { closedEarly: { reason: string; meetingOpens: string } | null }) {
  if (!closedEarly) return null;
  return (
    <p className="alert info" role="note">
      Voting closed before the meeting opened (<MeetingOpens when={closedEarly.meetingOpens} />). Reason recorded in the minutes: {closedEarly.reason}
    </p>
  );
}
