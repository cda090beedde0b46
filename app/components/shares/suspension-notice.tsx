import { DateText } from "~/components/dates";

/** A suspension of withdrawals as a member's own pages show it. */
export interface MemberSuspension {
  id: string;
  from_on: string;
  until_on: string | null;
  reason: string;
  class_name: string | null;
}

/**
 * Tells the member, on their own pages, that the board has suspended withdrawals of their shares: of which
 * class, from when, until when (or until the board lifts it), and the reason the board gave.
 */
export function SuspensionNotice({ suspensions }: { suspensions: readonly MemberSuspension[] }) {
  if (!suspensions.length) return null;
  return (
    <section className="alert info stack" aria-labelledby="suspension-heading">
      <h2 id="suspension-heading">Withdrawals are suspended</h2>
      {suspensions.map((s) => (
        <p key={s.id}>
          The board has suspended withdrawals of {s.class_name ?? "all shares"} from <DateText iso={s.from_on} long />
          {s.until_on ? <> until <DateText iso={s.until_on} long /></> : " until it lifts the suspension"}. The reason the board gave: {s.reason}
        </p>
      ))}
      <p>Notice you give still counts and keeps its place in the queue; it is paid in order of notice once the suspension ends.</p>
    </section>
  );
}
