import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { TableWrap } from "~/components/ui";

/*
 * Bar chart for breakdowns (lending by sector, spend by category): the
 * drawing is role="img" with an aria-label, and the exact figures (money
 * as the loader's strings, not the chart's floating-point copy) sit in a
 * table beside it. TrendChartWithTable does the same for lines over time.
 */
export interface BarRow {
  key: string;
  /** Display amount, exact ("£1,234.50"). */
  amount: string;
  /** Amount in pounds as a number, for drawing only. */
  value: number;
  percent: string | null;
  count?: number;
}

export function BarChartWithTable({
  label,
  caption,
  keyLabel,
  rows,
  colour = "#1f6f43",
  countLabel,
  width = 560,
}: {
  label: string;
  caption: string;
  keyLabel: string;
  rows: BarRow[];
  colour?: string;
  countLabel?: string;
  width?: number;
}) {
  const height = Math.max(120, 36 * rows.length + 40);
  return (
    <div className="chart-with-table">
      <div className="chart" role="img" aria-label={label}>
        {rows.length === 0 ? (
          <p className="muted">No figures yet.</p>
        ) : (
          <BarChart layout="vertical" width={width} height={height} data={rows} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" tickFormatter={poundsTick} />
            <YAxis type="category" dataKey="key" width={190} tick={{ fontSize: 12 }} />
            <Tooltip formatter={(v: number) => `£${v.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`} />
            <Bar dataKey="value" name="Amount" fill={colour} isAnimationActive={false} />
          </BarChart>
        )}
      </div>
      <TableWrap label={`${caption} (table)`}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{keyLabel}</th>
              <th scope="col" className="num">Amount</th>
              <th scope="col" className="num">Share</th>
              {countLabel ? <th scope="col" className="num">{countLabel}</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.key}</th>
                <td className="num">{r.amount}</td>
                <td className="num">{r.percent === null ? "–" : `${r.percent}%`}</td>
                {countLabel ? <td className="num">{r.count ?? ""}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </div>
  );
}

/** A figure's heading with its CSV download beside it. */
export function FigureHead({ title, csv }: { title: string; csv?: string }) {
  return (
    <div className="figure-head">
      <h2>{title}</h2>
      {csv ? (
        <a className="button secondary" href={csv} download>
          Download CSV<span className="visually-hidden"> of {title.toLowerCase()}</span>
        </a>
      ) : null}
    </div>
  );
}

/** "12.5" -> "12.5%", null -> "–" (nothing to take a share of). */
export function pct(p: string | null): string {
  return p === null ? "–" : `${p}%`;
}

export interface TrendSeries {
  key: string;
  label: string;
  colour: string;
}

/**
 * A line chart over time whose table shows the exact figures as the loader
 * sent them (money strings, percentages), while the drawing gets numbers.
 * `values[key]` is the number drawn (null leaves a gap: no share of nothing);
 * `cells[key]` is the text in the table.
 */
export function TrendChartWithTable({
  label,
  caption,
  xLabel,
  series,
  points,
  tick = (v) => String(v),
  width = 640,
  height = 260,
}: {
  label: string;
  caption: string;
  xLabel: string;
  series: TrendSeries[];
  points: { x: string; values: Record<string, number | null>; cells: Record<string, string> }[];
  tick?: (v: number) => string;
  width?: number;
  height?: number;
}) {
  const data = points.map((p) => ({ x: p.x, ...p.values }));
  return (
    <div className="chart-with-table">
      <div className="chart" role="img" aria-label={label}>
        {points.length === 0 ? (
          <p className="muted">No figures yet.</p>
        ) : (
          <LineChart width={width} height={height} data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="x" />
            <YAxis tickFormatter={tick} width={64} />
            <Tooltip formatter={(v: number) => tick(v)} />
            <Legend />
            {series.map((s) => (
              <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={s.colour} dot={false} isAnimationActive={false} connectNulls={false} />
            ))}
          </LineChart>
        )}
      </div>
      <TableWrap label={`${caption} (table)`}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{xLabel}</th>
              {series.map((s) => (
                <th key={s.key} scope="col" className="num">{s.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {points.map((p, i) => (
              <tr key={`${i}-${p.x}`}>
                <th scope="row">{p.x}</th>
                {series.map((s) => (
                  <td key={s.key} className="num">{p.cells[s.key]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </div>
  );
}

/** Axis ticks for pounds: "£1.2m", "£250k", "£900". */
export function poundsTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1_000_000) return `£${(v / 1_000_000).toFixed(a >= 10_000_000 ? 0 : 1)}m`;
  if (a >= 1_000) return `£${Math.round(v / 1_000)}k`;
  return `£${Math.round(v)}`;
}
