/**
 * An anchor institution's page: its supplier spend, overall and by period,
 * the share with local and wider-area suppliers, the largest categories
 * leaving the local area, and the files uploaded, with money written in the
 * organisation's currency.
 */
import { displayMoney, formatMinor, moneyStyleOf } from "~/domain/money";
import type { Executor } from "~/utils/db.server";
import { anchorReport, listUploads } from "~/models/impact/procurement.server";

export async function anchorSpendPageData(db: Executor, organisation: { id: string; currency: string; locale?: string }, anchorId: string) {
  const [{ localArea, widerArea, report }, uploads] = await Promise.all([anchorReport(db, organisation.id, anchorId), listUploads(db, organisation.id, anchorId)]);
  const money = (v: bigint) => displayMoney(v, moneyStyleOf(organisation));
  return {
    localArea: localArea.join(", "),
    widerArea: widerArea.join(", "),
    overall: { total: money(report.overall.total), local: money(report.overall.local), wider: money(report.overall.wider), localPercent: report.overall.localPercent, widerPercent: report.overall.widerPercent },
    periods: report.byPeriod.map((p) => ({ period: p.period, total: money(p.total), local: money(p.local), wider: money(p.wider), localPercent: p.localPercent, widerPercent: p.widerPercent })),
    opportunities: report.opportunities.map((o) => ({ key: o.key, amount: money(o.amount), value: Number(formatMinor(o.amount)), percent: o.percent, count: o.count })),
    uploads: uploads.map((u) => ({ id: u.id, filename: u.filename, lines: u.line_count, total: money(BigInt(u.total)), at: u.uploaded_at.toISOString(), by: u.uploaded_by_name, withdrawn: u.withdrawn_at !== null })),
  };
}
