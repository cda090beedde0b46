/**
 * The LM3 calculator's page: saved studies and a worked result with their
 * money written in the organisation's currency, and the calculator's form
 * turned into a study's input.
 */
import type { z } from "zod";
import { parseSurveyCsv } from "~/domain/impact/csv";
import type { Lm3Result } from "~/domain/impact/lm3";
import { displayMoney, moneyStyleOf, parseMoney, type MoneyStyle, withoutCurrencySign } from "~/domain/money";
import type { Lm3Schema } from "~/schemas/impact";
import type { Executor } from "~/utils/db.server";
import { listLm3Studies, type Lm3StudyInput } from "~/models/impact/lm3.server";

/** The saved studies, latest period first. */
export async function lm3StudyRows(db: Executor, organisation: { id: string; currency: string; locale?: string }) {
  const money = (v: bigint) => displayMoney(v, moneyStyleOf(organisation));
  return (await listLm3Studies(db, organisation.id)).map((s) => ({
    id: s.id,
    name: s.name,
    periodFrom: s.period_from,
    periodTo: s.period_to,
    r1: money(s.r1),
    r2: money(s.r2_suppliers + s.r2_staff),
    r3: money(s.r3),
    r3Source: s.r3_source === "survey" ? "survey answers" : "entered",
    lm3: s.lm3,
    method: s.method,
  }));
}

/** A worked LM3 as the page shows it, calculated only or saved too. */
export function lm3Shown(r: Extract<Lm3Result, { ok: true }>, method: string, saved: boolean, currency: string | MoneyStyle) {
  const money = (x: bigint) => displayMoney(x, currency);
  return { lm3: r.lm3, r1: money(r.r1), r2: money(r.r2), r3: money(r.r3), method, warnings: r.warnings, saved };
}
export type Lm3Shown = ReturnType<typeof lm3Shown>;

/**
 * The calculator's fields as a study's input: round 3 as entered, or from
 * the pasted survey answers; a survey that cannot be read is refused with
 * each bad line.
 */
export function lm3StudyInput(v: z.output<typeof Lm3Schema>): { ok: true; input: Lm3StudyInput } | { ok: false; surveyErrors: string[] } {
  let respend: Lm3StudyInput["respend"];
  if (v.r3Source === "survey") {
    const survey = parseSurveyCsv(v.survey);
    if (!survey.ok) return { ok: false, surveyErrors: survey.errors.map((e) => `line ${e.line}: ${e.reason}`) };
    respend = { source: "survey", answers: survey.answers };
  } else {
    respend = { source: "entered", amount: parseMoney(withoutCurrencySign(v.respend ?? "")) };
  }
  return {
    ok: true,
    input: { name: v.name, periodFrom: v.periodFrom, periodTo: v.periodTo, income: parseMoney(v.income), suppliers: parseMoney(v.suppliers), staff: parseMoney(v.staff), respend },
  };
}
