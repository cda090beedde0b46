import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHead, TableWrap } from "~/components/ui";
import { countSheetRows } from "~/models/governance/elections.server";
import { getMotion, getResult } from "~/models/governance/meetings.server";
import type { StvResult } from "~/domain/voting/stv";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "meetings:read" };
export const meta: MetaFunction = () => [{ title: "Count sheet · Co-op Register" }];

async function stvResultFor(organisationId: string, electionId: string) {
  const db = await getDb();
  const motion = await getMotion(db, organisationId, electionId);
  if (!motion || motion.kind !== "stv" || motion.status !== "closed") return null;
  const result = await getResult(db, organisationId, electionId);
  const stv = (result?.outcome as { stv?: StvResult } | undefined)?.stv;
  return stv ? { motion, stv } : null;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:read");
  const found = await stvResultFor(ctx.organisation.id, idParam(params, "electionId"));
  if (!found) throw notFoundResponse("No count sheet (yet) for that election.");
  const sheet = countSheetRows(found.stv);
  return { id: found.motion.id, title: found.motion.title, method: found.stv.method, seats: found.stv.seats, quota: found.stv.quota, valid: found.stv.valid, elected: found.stv.elected, sheet };
}

export default function CountSheet() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title={`Count sheet: ${d.title}`}>
        <a className="button secondary" href={`/elections/${d.id}/count-sheet.csv`} download>Download (CSV)</a>
        <Link className="button secondary" to={`/elections/${d.id}`}>Back to the election</Link>
      </PageHead>
      <section className="card">
        <dl className="facts">
          <dt>Rules</dt><dd>{d.method === "meek" ? "Meek's method (PR Foundation reference rule): quota and keep values recomputed each stage, surpluses iterated to within 0.000001, one exclusion per stage, 9 decimals" : "Scottish STV (SSI 2007/42): Droop quota, transfers truncated to 5 decimals"}</dd>
          <dt>Seats</dt><dd>{d.seats}</dd>
          <dt>Valid ballots</dt><dd>{d.valid}</dd>
          <dt>Quota</dt><dd>{d.quota}</dd>
          <dt>Elected, in order</dt><dd>{d.elected.join(", ")}</dd>
        </dl>
      </section>
      <TableWrap label="Count sheet, one row per stage">
        <table>
          <thead><tr>{d.sheet.header.map((h) => <th scope="col" key={h}>{h}</th>)}</tr></thead>
          <tbody>
            {d.sheet.rows.map((r, i) => (
              <tr key={i}>{r.map((c, j) => (j === 0 ? <th scope="row" key={j}>{c}</th> : <td key={j} className={d.sheet.numeric[j] ? "num" : undefined}>{c}</td>))}</tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
