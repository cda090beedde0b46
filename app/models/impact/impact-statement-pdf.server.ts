import { displayMoney, moneyStyleOf } from "~/domain/money";
import { BOLD, FONT, pdfTable, renderPdf } from "~/utils/pdf.server";
import type { MemberStatement } from "~/models/impact/impact-statements.server";

const KIND: Record<string, string> = {
  purchase: "Bought",
  withdrawal: "Withdrawn",
  transfer_in: "Transferred in",
  transfer_out: "Transferred out",
  interest_shares: "Interest as shares",
  bonus: "Bonus",
  forfeit: "Forfeited",
  reversal: "Correction (reversal)",
};

export function impactStatementPdf(s: MemberStatement, organisation: { name: string; currency: string; locale?: string }) {
  const money = (v: bigint) => displayMoney(v, moneyStyleOf(organisation));
  return renderPdf(
    (doc) => {
      doc.font(BOLD).fontSize(16).text(organisation.name);
      doc.font(FONT).fontSize(11).text(`Annual statement for ${s.yearStart} to ${s.yearEnd}`);
      doc.moveDown();
      doc.text(`Member ${s.member.member_number}: ${s.member.name}`);
      if (s.member.address) doc.text(s.member.address);
      if (s.member.postcode) doc.text(s.member.postcode);
      doc.moveDown();
      doc.font(BOLD).text("Your shares");
      doc.moveDown(0.3);
      pdfTable(
        doc,
        [{ header: "Share class", width: 240 }, { header: `At ${s.yearStart}`, width: 125, align: "right" }, { header: `At ${s.yearEnd}`, width: 125, align: "right" }],
        s.holdings.length ? s.holdings.map((h) => [h.className, money(h.opening), money(h.closing)]) : [["No shares held", "", ""]],
        { fontSize: 10 },
      );
      doc.moveDown();
      doc.font(BOLD).fontSize(11).text("Share transactions in the year");
      doc.moveDown(0.3);
      pdfTable(
        doc,
        [{ header: "Date", width: 80 }, { header: "What", width: 140 }, { header: "Share class", width: 140 }, { header: "Shares", width: 60, align: "right" }, { header: "Amount", width: 90, align: "right" }],
        s.transactions.length ? s.transactions.map((t) => [t.on, KIND[t.kind] ?? t.kind, t.className, String(t.shares), money(t.amount)]) : [["", "None", "", "", ""]],
        { fontSize: 9 },
      );
      doc.moveDown();
      doc.font(FONT).fontSize(11).text(`Interest on your shares in the year: ${money(s.interest)} (paid in cash ${money(s.interestCash)}, credited as shares ${money(s.interest - s.interestCash)}).`);
    },
    { title: `${organisation.name} annual statement ${s.yearEnd}` },
  );
}
