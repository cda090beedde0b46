import type { Executor } from "~/utils/db.server";
import { rulesWithDefaults, type OrganisationRules } from "~/domain/organisation";
import { isLocal } from "~/domain/postcode";
import { dateInZone, DEFAULT_TIME_ZONE } from "~/domain/today";
import { DEFAULT_LOCALE, localeOrDefault } from "~/domain/locale";
import type { MoneyStyle } from "~/domain/money";
import type { LegalForm } from "../../../db/tables/core";
import { recordAudit } from "~/models/core/audit.server";

export async function getOrganisation(db: Executor, organisationId: string) {
  const row = await db
    .selectFrom("organisations")
    .select(["id", "slug", "name", "legal_form", "currency", "time_zone", "locale", "local_area", "rules", "require_two_factor_for_officers", "created_at"])
    .where("id", "=", organisationId)
    .executeTakeFirstOrThrow();
  return { ...row, timeZone: row.time_zone, locale: localeOrDefault(row.locale), rules: rulesWithDefaults(row.rules) };
}

/** The organisation's currency (ISO 4217), for work that has no signed-in user (webhooks, jobs, CLIs). */
export async function organisationCurrency(db: Executor, organisationId: string): Promise<string> {
  const row = await db.selectFrom("organisations").select("currency").where("id", "=", organisationId).executeTakeFirstOrThrow();
  return row.currency;
}

/** How the organisation writes money (currency and locale), for amounts in emails written outside a request. */
export async function organisationMoneyStyle(db: Executor, organisationId: string): Promise<MoneyStyle> {
  const row = await db.selectFrom("organisations").select(["currency", "locale"]).where("id", "=", organisationId).executeTakeFirstOrThrow();
  return { currency: row.currency, locale: localeOrDefault(row.locale) };
}

/** Today in the organisation's time zone, for work that has no signed-in user (webhooks, jobs, CLIs). */
export async function organisationToday(db: Executor, organisationId: string, now: Date = new Date()) {
  const row = await db.selectFrom("organisations").select("time_zone").where("id", "=", organisationId).executeTakeFirstOrThrow();
  return dateInZone(now, row.time_zone);
}

export async function getOrganisationBySlug(db: Executor, slug: string) {
  const row = await db
    .selectFrom("organisations")
    .select(["id", "slug", "name", "legal_form", "currency", "time_zone", "locale", "local_area", "rules"])
    .where("slug", "=", slug)
    .executeTakeFirst();
  return row ? { ...row, timeZone: row.time_zone, locale: localeOrDefault(row.locale), rules: rulesWithDefaults(row.rules) } : null;
}

export async function createOrganisation(
  db: Executor,
  input: { slug: string; name: string; legalForm: LegalForm; currency?: string; timeZone?: string; locale?: string; localArea?: string[]; rules?: Partial<OrganisationRules> },
) {
  return db
    .insertInto("organisations")
    .values({
      slug: input.slug,
      name: input.name,
      legal_form: input.legalForm,
      currency: input.currency ?? "GBP",
      time_zone: input.timeZone ?? DEFAULT_TIME_ZONE,
      locale: input.locale ?? DEFAULT_LOCALE,
      local_area: input.localArea ?? [],
      rules: JSON.stringify(rulesWithDefaults(input.rules ?? {})),
    })
    .returning(["id", "slug", "name"])
    .executeTakeFirstOrThrow();
}

/**
 * Saving the settings also re-derives every member's "local" flag, because
 * the flag depends on the local area that may just have changed.
 */
export async function updateOrganisationSettings(
  db: Executor,
  actorUserId: string,
  organisationId: string,
  input: { name: string; legalForm: LegalForm; currency: string; timeZone: string; locale?: string; localArea: string[]; rules: OrganisationRules; requireTwoFactorForOfficers?: boolean },
) {
  const before = await getOrganisation(db, organisationId);
  await db
    .updateTable("organisations")
    .set({
      name: input.name,
      legal_form: input.legalForm,
      currency: input.currency,
      time_zone: input.timeZone,
      // A form without the field (an older page still open) leaves the locale as it was.
      locale: input.locale ?? before.locale,
      local_area: input.localArea,
      rules: JSON.stringify(input.rules),
      require_two_factor_for_officers: input.requireTwoFactorForOfficers ?? before.require_two_factor_for_officers,
    })
    .where("id", "=", organisationId)
    .execute();
  const changedArea = before.local_area.join(",") !== input.localArea.join(",");
  if (changedArea) await recomputeLocalFlags(db, organisationId, input.localArea);
  await recordAudit(db, {
    organisationId,
    actorUserId,
    action: "organisation.settings_changed",
    entityType: "organisation",
    entityId: organisationId,
    before: { name: before.name, legalForm: before.legal_form, currency: before.currency, timeZone: before.time_zone, locale: before.locale, localArea: before.local_area, rules: before.rules, requireTwoFactorForOfficers: before.require_two_factor_for_officers },
    after: { ...input, locale: input.locale ?? before.locale },
  });
}

/** Members and borrowers are local or not by their postcode and the organisation's local area. */
export async function recomputeLocalFlags(db: Executor, organisationId: string, localArea: string[]) {
  for (const table of ["members", "borrowers"] as const) {
    const rows = await db.selectFrom(table).select(["id", "postcode", "is_local"]).where("organisation_id", "=", organisationId).execute();
    for (const want of [true, false]) {
      const ids = rows.filter((r) => isLocal(r.postcode, localArea) === want && r.is_local !== want).map((r) => r.id);
      for (let i = 0; i < ids.length; i += 5000) {
        await db.updateTable(table).set({ is_local: want }).where("organisation_id", "=", organisationId).where("id", "in", ids.slice(i, i + 5000)).execute();
      }
    }
  }
}
