import { useEffect, useRef, useState, type ReactNode } from "react";
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { TableWrap } from "./ui";
import { DateText } from "~/components/dates";

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

/**
 * The width of an element's box, followed as it changes (a phone turned, a
 * window resized): 0 until it has been measured in the browser.
 */
function useBoxWidth<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    const measure = () => setWidth(Math.floor(box.clientWidth));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

let measuringCanvas: HTMLCanvasElement | undefined;
/** How wide the widest of these texts is drawn in `box`'s font, in pixels (browser only: the drawing is made there). */
export function widestText(texts: string[], box: Element | null, fontSize?: number): number {
  measuringCanvas ??= document.createElement("canvas");
  const context = measuringCanvas.getContext("2d");
  if (!context || !box) return Math.max(0, ...texts.map((t) => t.length * 9));
  const style = getComputedStyle(box);
  context.font = `${fontSize === undefined ? style.fontSize : `${fontSize}px`} ${style.fontFamily}`;
  return Math.ceil(Math.max(0, ...texts.map((t) => context.measureText(t).width)));
}

/**
 * The figure (role="img", or "No figures yet." when there are no rows) and its table. `draw` makes the
 * drawing for the width of its box (a phone's, or a wide screen's): nothing is drawn wider than the box,
 * where it would be cut off.
 */
export function ChartWithTable({
  label,
  caption,
  xLabel,
  columns,
  rows,
  height,
  draw,
}: {
  label: string;
  caption: string;
  xLabel: string;
  columns: { key: string; label: string }[];
  rows: ChartTableRow[];
  /** The drawing's height in pixels, kept free for it until it is drawn. */
  height: number;
  /** The drawing, shown when there are rows, `width` pixels wide (its box's width) and its box to measure text in. */
  draw: (width: number, box: HTMLDivElement) => ReactNode;
}) {
  // The drawing is made in the browser only, after hydration: Recharts numbers its clip paths and gradients
  // from a counter and measures text in the DOM, so markup drawn on the server never matches the browser's
  // (React hydration errors #418/#423, after which React throws the page's markup away and re-renders it,
  // during which links do nothing). The server sends the table and a box of the drawing's height; the
  // drawing follows once the box has been measured.
  const [box, width] = useBoxWidth<HTMLDivElement>();
  return (
    <div className="chart-with-table">
      <div className="chart" role="img" aria-label={label} ref={box}>
        {rows.length === 0 ? <p className="muted">No figures yet.</p> : width > 0 && box.current ? draw(width, box.current) : <div style={{ height }} />}
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
                <th scope="row">{ISO_DAY.test(r.x) ? <DateText iso={r.x} /> : r.x}</th>
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
 * The drawing fills the width of its box, and the value axis is as wide as
 * its widest label ("12.00%", "£1.2m"), so no label is cut off on a phone.
 * The picture is drawn after hydration (see ChartWithTable); the table
 * carries the figures from the server.
 */
export function LineChartWithTable({
  label,
  caption,
  xLabel,
  series,
  points,
  tick = (v) => String(v),
  height = 260,
}: {
  label: string;
  caption: string;
  xLabel: string;
  series: ChartSeries[];
  points: (ChartTableRow & { values: Record<string, number | null> })[];
  tick?: (v: number) => string;
  height?: number;
}) {
  const data = points.map((p) => ({ x: p.x, ...p.values }));
  const drawn = points.flatMap((p) => Object.values(p.values).filter((v): v is number => v !== null));
  const draw = (width: number, box: HTMLDivElement) => {
    // The axis's ticks are rounded out beyond the figures (9.5% drawn up to 12%): measure those too.
    const high = Math.max(0, ...drawn);
    const low = Math.min(0, ...drawn);
    const yAxisWidth = Math.min(Math.floor(width / 3), widestText([...drawn, high * 1.5, low * 1.5].map(tick), box, AXIS_FONT_SIZE) + 14);
    return (
      <LineChart width={width} height={height} data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="x" tickFormatter={shortPeriod} interval="preserveStartEnd" minTickGap={16} tickMargin={6} tick={{ fontSize: AXIS_FONT_SIZE }} />
        <YAxis tickFormatter={(v: number) => tick(v)} width={yAxisWidth} tick={{ fontSize: AXIS_FONT_SIZE }} />
        <Tooltip formatter={(v: number) => tick(v)} />
        <Legend verticalAlign="top" />
        {series.map((s) => (
          <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={s.colour} dot={false} isAnimationActive={false} connectNulls={false} />
        ))}
      </LineChart>
    );
  };
  return <ChartWithTable label={label} caption={caption} xLabel={xLabel} columns={series} rows={points} height={height} draw={draw} />;
}

/** A row named by a day (a month end) shows it as a date for people; a month ("2026-01") stays as it is. */
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Axis labels' size in pixels: small enough for a phone, as large as the tables' small print. */
export const AXIS_FONT_SIZE = 12;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2025-03-31" or "2025-03" -> "Mar 25", so month-end axes stay readable; other labels pass through. */
export function shortPeriod(x: unknown): string {
  const m = /^(\d{4})-(\d{2})(?:-\d{2})?$/.exec(String(x));
  return m ? `${MONTHS[Number(m[2]) - 1]} ${m[1].slice(2)}` : String(x);
}
