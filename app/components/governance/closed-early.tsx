/** Said with a certified result when voting closed before its meeting opened, with the reason minuted for it. */
export function ClosedEarlyNote({ closedEarly }: { closedEarly: { reason: string; meetingOpens: string } | null }) {
  if (!closedEarly) return null;
  return (
    <p className="alert info" role="note">
      Voting closed before the meeting opened ({closedEarly.meetingOpens}). Reason recorded in the minutes: {closedEarly.reason}
    </p>
  );
}
