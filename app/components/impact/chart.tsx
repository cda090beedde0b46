import { Bar, BarChart, CartesianGrid, Text, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_FONT_SIZE, ChartWithTable, widestText } from "~/components/charts";
import { useMoneyStyle } from "~/components/money";
import { chartMoney } from "~/domain/money";

/*
 * Bar chart for breakdowns (lending by sector, spend by category): the
 * drawing is role="img" with an aria-label, and the exact figures (money
 * as the loader's strings, not the chart's floating-point copy) sit in a
 * table beside it. LineChartWithTable (~/components/charts) does the same for
 * lines over time.
 */
export interface BarRow {
  key: string;
  /** Display amount, exact ("£1,234.50"). */
  amount: string;
  /** Amount in the currency's units as a number, for drawing only. */
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
}: {
  label: string;
  caption: string;
  keyLabel: string;
  rows: BarRow[];
  colour?: string;
  countLabel?: string;
}) {
  const height = Math.max(120, 36 * rows.length + 40);
  const { tick, tooltip } = useMoneyTicks();
  const columns = [
    { key: "amount", label: "Amount" },
    { key: "share", label: "Share" },
    ...(countLabel ? [{ key: "count", label: countLabel }] : []),
  ];
  return (
    <ChartWithTable
      label={label}
      caption={caption}
      xLabel={keyLabel}
      columns={columns}
      rows={rows.map((r) => ({ x: r.key, cells: { amount: r.amount, share: pct(r.percent), count: r.count ?? "" } }))}
      height={height}
      draw={(width, box) => {
        // The names beside the bars take what they need up to 40% of the width (on a phone, less than a
        // wide screen's 190 px), wrapped onto two lines; the bars have the rest.
        const namesWidth = Math.min(190, Math.floor(width * 0.4), widestText(rows.map((r) => r.key), box, AXIS_FONT_SIZE) + 12);
        return (
          <BarChart layout="vertical" width={width} height={height} data={rows} margin={{ top: 8, right: 24, bottom: 8, left: 4 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" tickFormatter={tick} tick={{ fontSize: AXIS_FONT_SIZE }} />
            <YAxis
              type="category"
              dataKey="key"
              width={namesWidth}
              tick={({ x, y, payload }: { x: number; y: number; payload: { value: string } }) => (
                <Text x={x} y={y} width={namesWidth - 10} maxLines={2} textAnchor="end" verticalAnchor="middle" fontSize={AXIS_FONT_SIZE} fill="#4a5263">
                  {payload.value}
                </Text>
              )}
            />
            <Tooltip formatter={tooltip} />
            <Bar dataKey="value" name="Amount" fill={colour} isAnimationActive={false} />
          </BarChart>
        );
      }}
    />
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

/** Axis ticks ("£1.2m", "€250k") and tooltips ("£1,234.50") in the organisation's currency and locale. */
export function useMoneyTicks() {
  const style = useMoneyStyle();
  return { tick: chartMoney(style, true), tooltip: chartMoney(style, false) };
}
