import { useEffect, useState, type ReactNode } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { TableWrap } from "./ui";

/*
 * Charts that everyone can read: the picture is role="img" with an
 * aria-label saying what it shows, and the same figures sit beside it in a
 * table (a screen reader, a keyboard user or someone printing gets the
 * numbers, not a drawing). The drawing gets numbers; the table shows the
 * exact text the loader sent (money strings, percentages).
 */
export interface ChartSeries {
  key: string;
  label: string;
  colour: string;
}

/** A row of the table beside a chart: its heading and the text of each column's cell. */
export interface ChartTableRow {
  x: string;
  cells: Record<string, string | number>;
}

/** The figure (role="img", or "No figures yet." when there are no rows) and its table. */
export function ChartWithTable({
  label,
  caption,
  xLabel,
  columns,
  rows,
  height,
  children,
}: {
  label: string;
  caption: string;
  xLabel: string;
  columns: { key: string; label: string }[];
  rows: ChartTableRow[];
  /** The drawing's height in pixels, kept free for it until it is drawn. */
  height: number;
  /** The drawing, shown when there are rows. */
  children: ReactNode;
}) {
  // The drawing is made in the browser only, after hydration: Recharts numbers its clip paths and gradients
  // from a counter and measures text in the DOM, so markup drawn on the server never matches the browser's
  // (React hydration errors #418/#423, after which React throws the page's markup away and re-renders it,
  // during which links do nothing). The server sends the table and a box of the drawing's height.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <div className="chart-with-table">
      <div className="chart" role="img" aria-label={label}>
        {rows.length === 0 ? <p className="muted">No figures yet.</p> : mounted ? children : <div style={{ height }} />}
      </div>
      <TableWrap label={`${caption} (table)`}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{xLabel}</th>
              {columns.map((c) => (
                <th key={c.key} scope="col" className="num">{c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={`${i}-${r.x}`}>
                <th scope="row">{r.x}</th>
                {columns.map((c) => (
                  <td key={c.key} className="num">{r.cells[c.key]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </div>
  );
}

/**
 * A line chart (over time, or over studies) whose table shows the exact
 * figures. `values[key]` is the number drawn (null leaves a gap: no share of
 * nothing); `cells[key]` is the text in the table.
 *
 * `responsive` fills the width of its box; otherwise the drawing is `width`
 * pixels wide. Either way the picture is drawn after hydration (see
 * ChartWithTable); the table carries the figures from the server.
 */
export function LineChartWithTable({
  label,
  caption,
  xLabel,
  series,
  points,
  tick = (v) => String(v),
  responsive = false,
  width = 640,
  height = 260,
}: {
  label: string;
  caption: string;
  xLabel: string;
  series: ChartSeries[];
  points: (ChartTableRow & { values: Record<string, number | null> })[];
  tick?: (v: number) => string;
  responsive?: boolean;
  width?: number;
  height?: number;
}) {
  const data = points.map((p) => ({ x: p.x, ...p.values }));
  const drawing = (
    <LineChart width={width} height={height} data={data} margin={{ top: 8, right: 16, bottom: 8, left: responsive ? 0 : 8 }}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="x" tickFormatter={shortPeriod} interval="preserveStartEnd" minTickGap={24} tickMargin={6} />
      <YAxis tickFormatter={(v: number) => tick(v)} width={responsive ? 56 : 64} />
      <Tooltip formatter={(v: number) => tick(v)} />
      <Legend verticalAlign="top" height={28} />
      {series.map((s) => (
        <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={s.colour} dot={false} isAnimationActive={false} connectNulls={false} />
      ))}
    </LineChart>
  );
  return (
    <ChartWithTable label={label} caption={caption} xLabel={xLabel} columns={series} rows={points} height={height}>
      {!responsive ? (
        drawing
      ) : (
        <ResponsiveContainer width="100%" height={height} minWidth={200}>
          {drawing}
        </ResponsiveContainer>
      )}
    </ChartWithTable>
  );
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2025-03-31" or "2025-03" -> "Mar 25", so month-end axes stay readable; other labels pass through. */
export function shortPeriod(x: unknown): string {
  const m = /^(\d{4})-(\d{2})(?:-\d{2})?$/.exec(String(x));
  return m ? `${MONTHS[Number(m[2]) - 1]} ${m[1].slice(2)}` : String(x);
}
