import { LineChartWithTable } from "~/components/charts";
import { FigureHead, pct } from "~/components/impact/chart";
import { TableWrap } from "~/components/ui";

interface PeriodRow { period: string; total: string; local: string; wider: string; localPercent: string | null; widerPercent: string | null }

/** The share of the anchor's spend with local and wider-area suppliers, period by period: a chart and its table. */
export function SpendByPeriod({ anchorName, csv, periods }: { anchorName: string; csv: string; periods: PeriodRow[] }) {
  return (
    <section className="card">
      <FigureHead title="Local spend share by period" csv={csv} />
      <LineChartWithTable
        label={`Share of ${anchorName}'s supplier spend with local and wider-area suppliers, by period`}
        caption="Local and wider-area share of spend"
        xLabel="Period"
        series={[
          { key: "local", label: "Local area", colour: "#1f6f43" },
          { key: "wider", label: "Wider area", colour: "#2b59c3" },
        ]}
        points={periods.map((p) => ({
          x: p.period,
          values: { local: p.localPercent === null ? null : Number(p.localPercent), wider: p.widerPercent === null ? null : Number(p.widerPercent) },
          cells: { local: pct(p.localPercent), wider: pct(p.widerPercent) },
        }))}
        tick={(v) => `${v}%`}
      />
      <TableWrap label="Spend by period">
        <table>
          <caption>Spend by period</caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col" className="num">Total</th>
              <th scope="col" className="num">Local</th>
              <th scope="col" className="num">Local %</th>
              <th scope="col" className="num">Wider area</th>
              <th scope="col" className="num">Wider %</th>
            </tr>
          </thead>
          <tbody>
            {periods.map((p) => (
              <tr key={p.period}>
                <th scope="row">{p.period}</th>
                <td className="num">{p.total}</td>
                <td className="num">{p.local}</td>
                <td className="num">{pct(p.localPercent)}</td>
                <td className="num">{p.wider}</td>
                <td className="num">{pct(p.widerPercent)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}
