import { displayMoney, type MoneyStyle } from "~/domain/money";
import { BOLD, FONT, renderPdf } from "~/utils/pdf.server";
import type { getCertificate } from "~/models/shares/share-classes-and-holdings.server";

type Certificate = NonNullable<Awaited<ReturnType<typeof getCertificate>>>;

/** A share certificate as PDF; a cancelled one says so across it, so a copy cannot pass for current. */
export function certificatePdf(cert: Certificate, organisationName: string, currency: string | MoneyStyle) {
  const value = BigInt(cert.shares) * BigInt(cert.par_value);
  return renderPdf((doc) => {
    doc.font(BOLD).fontSize(20).text(organisationName, { align: "center" });
    doc.moveDown(0.5).font(FONT).fontSize(14).text(`Share certificate no. ${cert.number}`, { align: "center" });
    doc.moveDown(2).fontSize(12);
    doc.text(`This is to certify that ${cert.member_name} (member no. ${cert.member_number}) of ${cert.address || "the address in the register"} is the registered holder of ${cert.shares} fully paid ${cert.class_name} of ${displayMoney(BigInt(cert.par_value), currency)} each, ${displayMoney(value, currency)} in total, subject to the rules of the society.`, { align: "left" });
    doc.moveDown().text(`Issued on ${cert.issued_on}.`);
    if (cert.cancelled_on) {
      doc.moveDown(2).font(BOLD).fillColor("#a00000").fontSize(16).text(`CANCELLED on ${cert.cancelled_on}${cert.replaced_by ? `: replaced by certificate no. ${cert.replaced_by}` : ""}`);
      doc.fillColor("black");
    }
    doc.moveDown(3).font(FONT).fontSize(10).text("Secretary ______________________        Director ______________________");
  }, { title: `Share certificate ${cert.number}` });
}
