import { createHash } from "node:crypto";
import { sql } from "kysely";
import { procurementLocalShare, topNonLocalCategories, type SpendGroup } from "~/domain/impact/local";
import type { SupplierSpendRow } from "~/domain/impact/procurement";
import { recordAudit } from "~/models/core/audit.server";
import type { Executor } from "~/utils/db.server";
import type { AnchorKind } from "../../../db/tables/impact";
import { conflict } from "~/domain/refusal";
import { getOrganisation } from "~/models/core/organisations.server";

/*
 * Anchor procurement tracker: anchor institutions (the council, the
 * hospital, the college), their supplier spend uploaded as CSV, and the
 * share of it that stays in the society's local area and in a wider area.
 */

export interface ImpactSettings {
  widerArea: string[];
  publicPage: boolean;
  publicSummary: string;
}

export async function getImpactSettings(db: Executor, organisationId: string): Promise<ImpactSettings> {
  const row = await db.selectFrom("impact_settings").select(["wider_area", "public_page", "public_summary"]).where("organisation_id", "=", organisationId).executeTakeFirst();
  return { widerArea: row?.wider_area ?? [], publicPage: row?.public_page ?? false, publicSummary: row?.public_summary ?? "" };
}

export async function saveImpactSettings(db: Executor, actorUserId: string | null, organisationId: string, input: ImpactSettings) {
  const before = await getImpactSettings(db, organisationId);
  await db
    .insertInto("impact_settings")
    .values({ organisation_id: organisationId, wider_area: input.widerArea, public_page: input.publicPage, public_summary: input.publicSummary, updated_at: new Date() })
    .onConflict((oc) =>
      oc.column("organisation_id").doUpdateSet({ wider_area: input.widerArea, public_page: input.publicPage, public_summary: input.publicSummary, updated_at: new Date() }),
    )
    .execute();
  await recordAudit(db, { organisationId, actorUserId, action: "impact.settings_changed", entityType: "organisation", entityId: organisationId, before, after: input });
}

export async function createAnchor(db: Executor, actorUserId: string | null, organisationId: string, input: { name: string; kind: AnchorKind }) {
  const taken = await db.selectFrom("anchor_institutions").select("id").where("organisation_id", "=", organisationId).where("name", "=", input.name).executeTakeFirst();
  if (taken) throw conflict(`There is already an anchor institution called ${input.name}`, "name");
  const row = await db
    .insertInto("anchor_institutions")
    .values({ organisation_id: organisationId, name: input.name, kind: input.kind })
    .returning(["id", "name", "kind"])
    .executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId, action: "anchor.created", entityType: "anchor_institution", entityId: row.id, after: row });
  return row;
}

export async function listAnchors(db: Executor, organisationId: string) {
  return db
    .selectFrom("anchor_institutions as a")
    .leftJoin("spend_uploads as u", (j) => j.onRef("u.organisation_id", "=", "a.organisation_id").onRef("u.anchor_id", "=", "a.id").on("u.withdrawn_at", "is", null))
    .select([
      "a.id",
      "a.name",
      "a.kind",
      sql<bigint>`COALESCE(SUM(u.total), 0)::int8`.as("total"),
      sql<bigint>`COUNT(u.id)::int8`.as("uploads"),
    ])
    .where("a.organisation_id", "=", organisationId)
    .groupBy(["a.id", "a.name", "a.kind"])
    .orderBy("a.name")
    .execute();
}

export async function getAnchor(db: Executor, organisationId: string, anchorId: string) {
  return db.selectFrom("anchor_institutions").select(["id", "name", "kind"]).where("organisation_id", "=", organisationId).where("id", "=", anchorId).executeTakeFirst();
}

export async function listUploads(db: Executor, organisationId: string, anchorId: string) {
  return db
    .selectFrom("spend_uploads as u")
    .leftJoin("users as p", "p.id", "u.uploaded_by")
    .select(["u.id", "u.filename", "u.line_count", "u.total", "u.uploaded_at", "u.withdrawn_at", "p.name as uploaded_by_name"])
    .where("u.organisation_id", "=", organisationId)
    .where("u.anchor_id", "=", anchorId)
    .orderBy("u.uploaded_at", "desc")
    .execute();
}

/** The same spend lines as an upload still counted for this anchor: refused, so the spend is not counted twice. */
function duplicateSpendUpload(earlier: { filename: string; uploadedAt: Date }) {
  return conflict(
    `The same spend lines were already uploaded for this institution (${earlier.filename}, ${earlier.uploadedAt.toISOString().slice(0, 10)}) and still count, so nothing was saved: adding them again would count the spend twice. If the earlier upload was wrong, withdraw it first, then upload this file.`,
  );
}

/**
 * A fingerprint of a spend file's checked lines (SHA-256, hex): each line's
 * supplier, postcode (as read, or as written for a supplier abroad), amount,
 * period and category, in a fixed order, so the same spend matches whatever
 * the file's name, line order, column order or spacing.
 */
export function spendContentHash(rows: readonly SupplierSpendRow[]): string {
  const lines = rows.map((r) => JSON.stringify([r.supplier, r.nonUk ? `abroad:${r.postcodeAsWritten}` : (r.postcode ?? ""), r.amount.toString(), r.period, r.category ?? ""])).sort();
  return createHash("sha256").update(lines.join("\n"), "utf8").digest("hex");
}

/**
 * Store a checked spend file: all rows or none (the caller runs this in a transaction). The anchor's row is
 * locked first, so two uploads of the same file at once cannot both pass the duplicate check.
 */
export async function recordSpendUpload(
  db: Executor,
  actorUserId: string | null,
  organisationId: string,
  anchorId: string,
  filename: string,
  rows: readonly SupplierSpendRow[],
) {
  const total = rows.reduce((t, r) => t + r.amount, 0n);
  const contentHash = spendContentHash(rows);
  await db.selectFrom("anchor_institutions").select("id").where("organisation_id", "=", organisationId).where("id", "=", anchorId).forUpdate().executeTakeFirstOrThrow();
  const earlier = await db
    .selectFrom("spend_uploads")
    .select(["filename", "uploaded_at"])
    .where("organisation_id", "=", organisationId)
    .where("anchor_id", "=", anchorId)
    .where("content_hash", "=", contentHash)
    .where("withdrawn_at", "is", null)
    .executeTakeFirst();
  if (earlier) throw duplicateSpendUpload({ filename: earlier.filename, uploadedAt: earlier.uploaded_at });
  const upload = await db
    .insertInto("spend_uploads")
    .values({ organisation_id: organisationId, anchor_id: anchorId, filename: filename.slice(0, 255), line_count: rows.length, total, uploaded_by: actorUserId, content_hash: contentHash })
    .returning(["id"])
    .executeTakeFirstOrThrow();
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto("supplier_spend")
      .values(
        rows.slice(i, i + 1000).map((r) => ({
          organisation_id: organisationId,
          upload_id: upload.id,
          line: r.line,
          supplier: r.supplier.slice(0, 300),
          postcode: r.postcode,
          postcode_as_written: r.postcodeAsWritten,
          non_uk: r.nonUk,
          amount: r.amount,
          period: r.period,
          category: r.category,
        })),
      )
      .execute();
  }
  await recordAudit(db, {
    organisationId,
    actorUserId,
    action: "procurement.spend_uploaded",
    entityType: "spend_upload",
    entityId: upload.id,
    after: { anchorId, filename, lines: rows.length, total },
  });
  return { id: upload.id, lines: rows.length, total };
}

/** A wrong upload is withdrawn (kept, marked) so the figures drop it but the record stays. */
export async function withdrawUpload(db: Executor, actorUserId: string | null, organisationId: string, anchorId: string, uploadId: string) {
  const row = await db
    .updateTable("spend_uploads")
    .set({ withdrawn_at: new Date(), withdrawn_by: actorUserId })
    .where("organisation_id", "=", organisationId)
    .where("anchor_id", "=", anchorId)
    .where("id", "=", uploadId)
    .where("withdrawn_at", "is", null)
    .returning(["id", "filename", "total"])
    .executeTakeFirst();
  if (row) await recordAudit(db, { organisationId, actorUserId, action: "procurement.upload_withdrawn", entityType: "spend_upload", entityId: uploadId, before: row });
  return !!row;
}

/**
 * The anchor's spend (uploads not withdrawn) added up by postcode, period and
 * category, with how many lines each sum holds: what the reports need, a few
 * thousand rows where the lines may be 100,000 (issue #16 point 7).
 */
export async function anchorSpendGroups(db: Executor, organisationId: string, anchorId: string): Promise<SpendGroup[]> {
  const rows = await db
    .selectFrom("supplier_spend as s")
    .innerJoin("spend_uploads as u", (j) => j.onRef("u.organisation_id", "=", "s.organisation_id").onRef("u.id", "=", "s.upload_id"))
    .select(["s.postcode", "s.period", "s.category", sql<string>`SUM(s.amount)::text`.as("amount"), sql<number>`COUNT(*)::int`.as("lines")])
    .where("s.organisation_id", "=", organisationId)
    .where("u.anchor_id", "=", anchorId)
    .where("u.withdrawn_at", "is", null)
    .groupBy(["s.postcode", "s.period", "s.category"])
    .execute();
  return rows.map((r) => ({ postcode: r.postcode, amount: BigInt(r.amount), period: r.period, category: r.category, lines: r.lines }));
}

/**
 * Local share by period and overall for the local and wider areas, plus the
 * largest non-local categories. The wider area includes the local one.
 */
export async function procurementReport(db: Executor, organisationId: string, anchorId: string, localArea: string[], widerArea: string[]) {
  const spend = await anchorSpendGroups(db, organisationId, anchorId);
  const share = procurementLocalShare({ spend, localArea, widerArea });
  const opportunities = topNonLocalCategories({ spend, localArea, limit: 10 });
  return { ...share, opportunities, lines: spend.reduce((n, s) => n + (s.lines ?? 1), 0) };
}

/** The anchor's procurement report against the organisation's local area and the wider area of its impact settings. */
export async function anchorReport(db: Executor, organisationId: string, anchorId: string) {
  const [org, settings] = await Promise.all([getOrganisation(db, organisationId), getImpactSettings(db, organisationId)]);
  const report = await procurementReport(db, organisationId, anchorId, org.local_area, settings.widerArea);
  return { localArea: org.local_area, widerArea: settings.widerArea, report };
}
