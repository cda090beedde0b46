import { useEffect, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { TableWrap } from "./ui";

/*
 * A line chart that everyone can read: the picture is role="img" with an
 * aria-label saying what it shows, and the same figures sit beside it in a
 * table (a screen reader, a keyboard user or someone printing gets the
 * numbers, not a drawing). Values are plain numbers already scaled for
 * display (e.g. percentages); `format` writes them in the table.
 */
export interface ChartSeries {
  key: string;
  label: string;
  colour: string;
}

export function LineChartWithTable({
  label,
  caption,
  xKey,
  xLabel,
  series,
  data,
  format = (v) => String(v),
  height = 260,
}: {
  label: string;
  caption: string;
  xKey: string;
  xLabel: string;
  series: ChartSeries[];
  data: Record<string, string | number>[];
  format?: (v: number) => string;
  height?: number;
}) {
  // Recharts makes ids and measures text in the browser, so its markup differs from the server's:
  // draw the picture after hydration (the table carries the figures either way).
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <div className="chart-with-table">
      <div className="chart" role="img" aria-label={label}>
        {data.length === 0 ? (
          <p className="muted">No figures yet.</p>
        ) : !mounted ? (
          <div style={{ height }} />
        ) : (
          <ResponsiveContainer width="100%" height={height} minWidth={200}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey={xKey} />
            <YAxis tickFormatter={(v: number) => format(v)} width={56} />
            <Tooltip formatter={(v: number) => format(v)} />
            <Legend />
            {series.map((s) => (
              <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={s.colour} dot={false} isAnimationActive={false} />
            ))}
          </LineChart>
          </ResponsiveContainer>
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
            {data.map((row) => (
              <tr key={String(row[xKey])}>
                <th scope="row">{row[xKey]}</th>
                {series.map((s) => (
                  <td key={s.key} className="num">{format(Number(row[s.key]))}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </div>
  );
}
