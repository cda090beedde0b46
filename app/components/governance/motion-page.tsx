import type { ReactNode } from "react";
import { Link } from "@remix-run/react";
import { STATUS_LABEL } from "~/domain/voting/labels";
import { PageHead } from "~/components/ui";
import { Turnout } from "./results";

/*
 * The pieces a motion's page and an election's page share: the heading with
 * its links, the receipt after voting and the turnout while voting is open.
 */

/** The page heading and the opening card: status badge, `children` (what is being decided) and the motion's text. */
export function MotionHead({
  motion,
  canManage,
  children,
}: {
  motion: { id: string; position: number; title: string; meeting_id: string; status: string; body: string };
  canManage: boolean;
  children: ReactNode;
}) {
  return (
    <>
      <PageHead title={`${motion.position}. ${motion.title}`}>
        {canManage ? <Link className="button" to={`/motions/${motion.id}/manage`}>Manage voting</Link> : null}
        <Link className="button secondary" to={`/meetings/${motion.meeting_id}`}>Back to the meeting</Link>
      </PageHead>
      <section className="card stack">
        <p>
          <span className={`badge ${motion.status}`}>{STATUS_LABEL[motion.status]}</span> {children}
        </p>
        {motion.body ? <p style={{ whiteSpace: "pre-wrap" }}>{motion.body}</p> : null}
      </section>
    </>
  );
}

/** The receipt shown after casting a vote or ballot, with where to check it was counted. */
export function VoteReceipt({ receipt, heading, children }: { receipt: string; heading: string; children?: ReactNode }) {
  return (
    <section className="card stack" aria-labelledby="receipt-heading">
      <h2 id="receipt-heading">{heading}</h2>
      <p>Your receipt code is <strong className="receipt-code">{receipt}</strong></p>
      <p>Keep it to check later, on the <Link to={`/receipts?code=${receipt}`}>receipt check page</Link>, that your ballot was counted.{children}</p>
    </section>
  );
}

/** Turnout while voting is open, with what stays sealed until it closes. */
export function OpenTurnout({ turnout, sealed }: { turnout: Parameters<typeof Turnout>[0]["turnout"]; sealed: string }) {
  return (
    <section className="card"><h2>Turnout so far</h2><Turnout turnout={turnout} /><p className="muted">{sealed}</p></section>
  );
}
