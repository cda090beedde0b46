import type { Executor } from "~/utils/db.server";
import { displayMoney, type MoneyStyle } from "~/domain/money";
import { holdingsAsAt, type ShareTransaction } from "~/domain/shares/holdings";
import { BOLD, FONT, renderPdf, pdfTable } from "~/utils/pdf.server";
import { listShareClasses } from "~/models/shares/share-classes-and-holdings.server";

/** A member's annual statement: holdings at the start and end of the year, every entry between, and interest. */
export async function shareStatement(db: Executor, organisationId: string, memberId: string, year: number) {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const [rows, classes, interest] = await Promise.all([
    db.selectFrom("share_transactions").select(["id", "class_id", "kind", "shares", "amount", "effective_on", "reverses_id", "method", "reference"]).where("organisation_id", "=", organisationId).where("member_id", "=", memberId).where("effective_on", "<=", to).orderBy("effective_on").orderBy("id").execute(),
    listShareClasses(db, organisationId),
    db.selectFrom("interest_lines as l").innerJoin("interest_runs as r", (j) => j.onRef("r.id", "=", "l.run_id").onRef("r.organisation_id", "=", "l.organisation_id"))
      .select(["r.period_from", "r.period_to", "r.class_id", "l.interest", "l.shares_credited", "l.cash", "l.explain"])
      .where("l.organisation_id", "=", organisationId).where("l.member_id", "=", memberId).where("r.status", "=", "posted").where("r.posted_on", ">=", from).where("r.posted_on", "<=", to).execute(),
  ]);
  const ledger: ShareTransaction[] = rows.map((r) => ({ id: String(r.id), memberId, classId: r.class_id, kind: r.kind, shares: r.shares, amount: BigInt(r.amount), effectiveOn: r.effective_on, reversesId: r.reverses_id === null ? null : String(r.reverses_id) }));
  const names = Object.fromEntries(classes.map((c) => [c.id, c.name]));
  const before = `${year - 1}-12-31`;
  return {
    from, to, names,
    opening: holdingsAsAt(ledger, before),
    closing: holdingsAsAt(ledger, to),
    entries: rows.filter((r) => r.effective_on >= from),
    interest,
  };
}

export function shareStatementPdf(s: Awaited<ReturnType<typeof shareStatement>>, who: { organisation: string; name: string; number: number }, currency: string | MoneyStyle) {
  const money = (m: bigint) => displayMoney(m, currency);
  return renderPdf((doc) => {
    doc.font(BOLD).fontSize(16).text(`${who.organisation}: share statement ${s.from.slice(0, 4)}`);
    doc.font(FONT).fontSize(10).text(`${who.name}, member no. ${who.number}. Period ${s.from} to ${s.to}.`).moveDown();
    doc.font(BOLD).text("Holdings");
    pdfTable(doc, [{ header: "Share class", width: 200 }, { header: "Opening shares", width: 80, align: "right" }, { header: "Closing shares", width: 80, align: "right" }, { header: "Closing value", width: 100, align: "right" }],
      [...new Set([...s.opening, ...s.closing].map((h) => h.classId))].map((id) => {
        const o = s.opening.find((h) => h.classId === id);
        const c = s.closing.find((h) => h.classId === id);
        return [s.names[id] ?? id, String(o?.shares ?? 0), String(c?.shares ?? 0), money(c?.value ?? 0n)];
      }));
    doc.moveDown().font(BOLD).text("Entries in the year");
    pdfTable(doc, [{ header: "Date", width: 70 }, { header: "Entry", width: 110 }, { header: "Class", width: 140 }, { header: "Shares", width: 60, align: "right" }, { header: "Amount", width: 80, align: "right" }],
      s.entries.map((e) => [e.effective_on, e.kind.replace("_", " "), s.names[e.class_id] ?? "", String(e.shares), money(BigInt(e.amount))]));
    if (s.interest.length) {
      doc.moveDown().font(BOLD).text("Interest");
      pdfTable(doc, [{ header: "Period", width: 140 }, { header: "Interest", width: 80, align: "right" }, { header: "As shares", width: 70, align: "right" }, { header: "Paid in cash", width: 80, align: "right" }],
        s.interest.map((i) => [`${i.period_from} to ${i.period_to}`, money(BigInt(i.interest)), String(i.shares_credited), money(BigInt(i.cash))]));
    }
  }, { title: `Share statement ${s.from.slice(0, 4)}` });
}
