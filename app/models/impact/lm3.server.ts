import { computeLm3, respendFromSurvey, type Lm3Result } from "~/domain/impact/lm3";
import type { SurveyRow } from "~/domain/impact/csv";
import type { MoneyStyle } from "~/domain/money";
import { recordAudit } from "~/models/core/audit.server";
import { organisationMoneyStyle } from "~/models/core/organisations.server";
import type { Executor } from "~/utils/db.server";
import type { Refused } from "~/domain/refusal";

/*
 * LM3 studies: the inputs, the method and the result are stored together
 * (append-only), so a figure quoted to a funder can always be traced back.
 */

export interface Lm3StudyInput {
  name: string;
  periodFrom: string;
  periodTo: string;
  income: bigint;
  suppliers: bigint;
  staff: bigint;
  /** R3 as entered, or survey answers to work it out from. */
  respend: { source: "entered"; amount: bigint } | { source: "survey"; answers: SurveyRow[] };
}

export type Lm3Outcome =
  | { ok: true; result: Extract<Lm3Result, { ok: true }>; r3Method: string | null }
  | (Refused & { field: "income" | "suppliers" | "staff" | "respend" | "survey" });

/** Work out LM3 without storing it; `money` is how the organisation writes amounts (the refusal, warnings and method). */
export function calculateLm3(input: Lm3StudyInput, money: MoneyStyle): Lm3Outcome {
  let r3: bigint;
  let r3Method: string | null = null;
  if (input.respend.source === "survey") {
    const s = respendFromSurvey(input.respend.answers, money);
    if (!s.ok) {
      const answers = input.respend.answers;
      return { ok: false, field: "survey", reason: s.errors.map((e) => `line ${answers[e.index]?.line ?? e.index + 1}: ${e.reason}`).join("; ") };
    }
    r3 = s.total;
    r3Method = s.method;
  } else r3 = input.respend.amount;
  const result = computeLm3({ income: input.income, localSpend: { suppliers: input.suppliers, staff: input.staff }, localRespend: r3 }, money);
  if (!result.ok) {
    const field = input.income <= 0n ? "income" : input.suppliers < 0n ? "suppliers" : input.staff < 0n ? "staff" : "respend";
    return { ok: false, field, reason: result.error };
  }
  return { ok: true, result, r3Method };
}

export async function saveLm3Study(db: Executor, actorUserId: string | null, organisationId: string, input: Lm3StudyInput) {
  // The method is stored with the study, written as the organisation writes money.
  const outcome = calculateLm3(input, await organisationMoneyStyle(db, organisationId));
  if (!outcome.ok) return outcome;
  const { result, r3Method } = outcome;
  const method = [r3Method, result.method].filter(Boolean).join("\n");
  const study = await db
    .insertInto("lm3_studies")
    .values({
      organisation_id: organisationId,
      name: input.name,
      period_from: input.periodFrom,
      period_to: input.periodTo,
      r1: result.r1,
      r2_suppliers: input.suppliers,
      r2_staff: input.staff,
      r3: result.r3,
      r3_source: input.respend.source,
      lm3: result.lm3,
      method,
      recorded_by: actorUserId,
    })
    .returning(["id"])
    .executeTakeFirstOrThrow();
  if (input.respend.source === "survey") {
    const answers = input.respend.answers;
    for (let i = 0; i < answers.length; i += 1000) {
      await db
        .insertInto("lm3_survey_answers")
        .values(
          answers.slice(i, i + 1000).map((a, j) => ({
            organisation_id: organisationId,
            study_id: study.id,
            n: i + j + 1,
            respondent: a.respondent.slice(0, 200),
            recipient: a.recipient,
            amount_received: a.amountReceived,
            local_percent: String(a.localSpendPercent),
          })),
        )
        .execute();
    }
  }
  await recordAudit(db, {
    organisationId,
    actorUserId,
    action: "lm3.study_recorded",
    entityType: "lm3_study",
    entityId: study.id,
    after: { name: input.name, periodFrom: input.periodFrom, periodTo: input.periodTo, r1: result.r1, r2: result.r2, r3: result.r3, lm3: result.lm3 },
  });
  return { ok: true as const, id: study.id, result, method };
}

export async function listLm3Studies(db: Executor, organisationId: string) {
  const rows = await db
    .selectFrom("lm3_studies")
    .select(["id", "name", "period_from", "period_to", "r1", "r2_suppliers", "r2_staff", "r3", "r3_source", "lm3", "method", "created_at"])
    .where("organisation_id", "=", organisationId)
    .orderBy("period_to", "desc")
    .orderBy("created_at", "desc")
    .execute();
  return rows.map((r) => ({ ...r, r1: BigInt(r.r1), r2_suppliers: BigInt(r.r2_suppliers), r2_staff: BigInt(r.r2_staff), r3: BigInt(r.r3), lm3: String(r.lm3) }));
}

export async function latestLm3(db: Executor, organisationId: string) {
  return (await listLm3Studies(db, organisationId))[0] ?? null;
}
