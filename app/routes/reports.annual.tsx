import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { FigureHead } from "~/components/impact/chart";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { annualFigures, annualLines, annualNotEndedNote, defaultYearEnd } from "~/models/impact/impact-figures.server";
import { YearSchema } from "~/schemas/impact";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { DateText, useDateWords } from "~/components/dates";

export const access: RouteAccess = { loader: "impact:read" };
export const meta: MetaFunction = () => [{ title: "Annual return figures · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "impact:read");
  const parsed = YearSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const today = clock.today(ctx.organisation);
  const yearEnd = (parsed.success && parsed.data.yearEnd) || defaultYearEnd(today);
  const f = await annualFigures(await getDb(), ctx.organisation.id, yearEnd, today);
  return { name: ctx.organisation.name, yearStart: f.yearStart, yearEnd, figuresTo: f.figuresTo, notEnded: annualNotEndedNote(f, ctx.organisation.locale), lines: annualLines(f, ctx.organisation), badDate: !parsed.success };
}

export default function AnnualReturn() {
  const d = useLoaderData<typeof loader>();
  const q = `?yearEnd=${d.yearEnd}`;
  const dates = useDateWords();
  return (
    <>
      <PageHead title="Annual return figures">
        <Link to="/impact">Impact dashboard</Link>
      </PageHead>
      {d.badDate ? <Flash tone="error" message="That date could not be read; showing the last calendar year." /> : null}
      <section className="card">
        <Form method="get" className="toolbar">
          <div className="field">
            <label htmlFor="yearEnd">Financial year ending</label>
            <input id="yearEnd" name="yearEnd" type="date" defaultValue={d.yearEnd} />
          </div>
          <button type="submit">Show figures</button>
        </Form>
        <p className="muted">
          The figures a registered society&apos;s annual return to the FCA asks for, worked out from the register and the share and loan ledgers for
          {" "}<DateText iso={d.yearStart} long /> to <DateText iso={d.figuresTo} long />. Check them against the audited accounts before filing.
        </p>
      </section>
      {d.notEnded ? <Flash tone="info" message={d.notEnded} /> : null}
      <section className="card">
        <FigureHead title={d.notEnded ? `Year ending ${dates.long(d.yearEnd)} (to ${dates.long(d.figuresTo)}, not yet ended)` : `Year ending ${dates.long(d.yearEnd)}`} csv={`/reports/annual/csv${q}`} />
        <p><a href={`/reports/annual/pdf${q}`} download>Download as PDF</a></p>
        <TableWrap label="Annual return figures">
          <table>
            <caption>{d.name}: annual return figures</caption>
            <thead>
              <tr><th scope="col">Figure</th><th scope="col" className="num">Value</th></tr>
            </thead>
            <tbody>
              {d.lines.map((l) => (
                <tr key={l.key} data-figure={l.figure}><th scope="row">{l.label}</th><td className="num">{l.display}</td></tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
    </>
  );
}
