/**
 * Hostile and random input never crashes a parser: every schema answers
 * with success or with messages a person can read; the BLT parser and the
 * CSV importer answer with a line number and a reason.
 */
import fc from "fast-check";
import { ZodType, type ZodTypeAny } from "zod";
import { parseWithZod } from "@conform-to/zod";
import { describe, expect, it } from "vitest";
import { parseSupplierSpendCsv, parseSurveyCsv } from "~/domain/impact/csv";
import { parseMoney } from "~/domain/money";
import { parsePostcode, parseLocalArea } from "~/domain/postcode";
import { BltError, parseBlt } from "~/domain/voting/stv/blt";
import * as authSchemas from "~/schemas/auth";
import * as commonSchemas from "~/schemas/common";
import * as governanceSchemas from "~/schemas/governance";
import * as impactSchemas from "~/schemas/impact";
import * as lendingSchemas from "~/schemas/lending";
import * as memberSchemas from "~/schemas/member";
import * as organisationSchemas from "~/schemas/organisation";
import * as sharesSchemas from "~/schemas/shares";
import { parseForm } from "~/utils/forms.server";

/** Every zod schema the app exports, by module and name. */
const SCHEMAS: Record<string, ZodTypeAny> = Object.fromEntries(
  Object.entries({
    auth: authSchemas, common: commonSchemas, governance: governanceSchemas, impact: impactSchemas,
    lending: lendingSchemas, member: memberSchemas, organisation: organisationSchemas, shares: sharesSchemas,
  }).flatMap(([module, exports]) =>
    Object.entries(exports as Record<string, unknown>).filter(([, v]) => v instanceof ZodType).map(([name, v]) => [`${module}.${name}`, v as ZodTypeAny]),
  ),
);

/** The field names a schema reads (through refinements), so random input hits real fields. */
function fieldNames(schema: ZodTypeAny): string[] {
  let inner: unknown = schema;
  for (let i = 0; i < 5 && inner; i++) {
    const def = (inner as { _def?: { schema?: unknown; innerType?: unknown } })._def;
    if ((inner as { shape?: object }).shape) return Object.keys((inner as { shape: object }).shape);
    inner = def?.schema ?? def?.innerType;
  }
  return [];
}

/** Values a form post can carry, plus the odd ones scripts send. */
const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.constantFrom("", " ", "<script>alert(1)</script>", "=HYPERLINK(\"x\")", "'; drop table members; --", "\u0000", "9".repeat(400), "-1", "1e309", "NaN", "2026-02-30", "0000-00-00", "PR1 2AB", "a@b.c"),
);
const formValue = fc.oneof(hostileText, fc.array(hostileText, { maxLength: 3 }), fc.integer(), fc.constant(undefined), fc.constant(null));

describe("schemas under random input", () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name} answers every input with success or readable messages`, () => {
      const keys = fieldNames(schema);
      fc.assert(
        fc.property(fc.dictionary(fc.constantFrom(...keys, "extra", "__proto__"), formValue), (input) => {
          const result = schema.safeParse(input);
          if (!result.success) {
            expect(result.error.issues.length).toBeGreaterThan(0);
            for (const issue of result.error.issues) expect(issue.message.length).toBeGreaterThan(0);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe("form parsing on the server", () => {
  it("covers every schema the app exports", () => {
    expect(Object.keys(SCHEMAS).length).toBeGreaterThan(40);
  });

  /** Form posts carry strings, one or several per field. */
  const formInput = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys, "extra"), fc.oneof(hostileText, fc.array(hostileText, { maxLength: 3 })));
  const toFormData = (input: Record<string, string | string[]>) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(input)) for (const one of [v].flat()) form.append(k, one);
    return form;
  };
  const outcome = (s: ReturnType<typeof parseForm>) => ({ status: s.status, payload: s.payload, value: s.status === "success" ? s.value : undefined, error: s.status === "success" ? undefined : s.error });

  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name}: parseForm (schema converted once) answers exactly as Conform's parseWithZod`, () => {
      fc.assert(
        fc.property(formInput(fieldNames(schema)), (input) => {
          const form = toFormData(input);
          expect(outcome(parseForm(form, { schema }))).toEqual(outcome(parseWithZod(form, { schema })));
        }),
        { numRuns: 100 },
      );
    });
  }
});

describe("parsers under random input", () => {
  it("parseMoney returns an exact amount or throws a RangeError", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        try {
          const v = parseMoney(text);
          expect(typeof v).toBe("bigint");
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
        }
      }),
    );
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (units) => {
      const text = `${units < 0n ? "-" : ""}${(units < 0n ? -units : units) / 100n}.${((units < 0n ? -units : units) % 100n).toString().padStart(2, "0")}`;
      expect(parseMoney(text)).toBe(units);
    }));
  });

  it("postcodes and local areas never throw", () => {
    fc.assert(fc.property(hostileText, (text) => {
      const r = parsePostcode(text);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
      const area = parseLocalArea(text);
      for (const e of area.errors) expect(e.reason.length).toBeGreaterThan(0);
    }));
  });

  it("the BLT parser answers random files with a line number and a reason", () => {
    const lines = fc.array(fc.oneof(fc.constantFrom("3 2", "1 1 2 0", "0", '"A"', '"B"', '"C"', '"Title"', "-1", "2 1 1 0", "x"), fc.string({ maxLength: 12 })), { maxLength: 12 });
    fc.assert(
      fc.property(lines, (ls) => {
        try {
          parseBlt(ls.join("\n"));
        } catch (error) {
          expect(error).toBeInstanceOf(BltError);
          const e = error as BltError;
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("members import under random files", () => {
  it("answers every random file with line-numbered reasons and writes nothing, or imports it whole", async () => {
    const { testDb } = await import("../db");
    const { setupClass } = await import("../fixtures/shares");
    const { importMembers } = await import("~/models/shares/members-import.server");
    const { getOrganisation } = await import("~/models/core/organisations.server");
    const db = await testDb();
    const { org } = await setupClass(db, { name: "Fuzz Shares" });
    const organisation = await getOrganisation(db, org.id);
    const header = "member_number,kind,name,email,address,postcode,joined_on,share_class,shares";
    const cell = fc.oneof(hostileText, fc.constantFrom("1", "2", "person", "organisation", "Ann Lee", "PR1 2AB", "2024-01-31", "Fuzz Shares", "50", "", "\"quoted, comma\"", "\"unterminated"));
    const row = fc.array(cell, { minLength: 0, maxLength: 11 }).map((cells) => cells.join(","));
    const file = fc.array(row, { maxLength: 6 }).map((rows) => [header, ...rows].join(fc.sample(fc.constantFrom("\n", "\r\n"), 1)[0]));
    const members = async () => (await db.selectFrom("members").select("id").where("organisation_id", "=", org.id).execute()).length;
    await fc.assert(
      fc.asyncProperty(fc.oneof(file.map((t) => new TextEncoder().encode(t)), fc.uint8Array({ maxLength: 200 })), async (bytes) => {
        const before = await members();
        let outcome;
        try {
          outcome = await db.transaction().execute(async (trx) => {
            const r = await importMembers(trx, null, organisation, bytes, "2026-11-25");
            // Roll every attempt back so the next one starts from the same register.
            throw Object.assign(new Error("rollback"), { outcome: r, after: (await trx.selectFrom("members").select("id").where("organisation_id", "=", org.id).execute()).length });
          });
        } catch (error) {
          const e = error as { outcome?: Awaited<ReturnType<typeof importMembers>>; after?: number };
          if (!e.outcome) throw error;
          outcome = e.outcome;
          if (!outcome.ok) {
            expect(e.after).toBe(before); // a refused file wrote nothing
            expect(outcome.errors.length).toBeGreaterThan(0);
            for (const problem of outcome.errors) {
              expect(problem.line).toBeGreaterThanOrEqual(1);
              expect(problem.reason.length).toBeGreaterThan(0);
            }
          } else {
            expect(e.after).toBe(before + outcome.members);
          }
        }
        expect(await members()).toBe(before);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});

describe("impact CSV readers under random files", () => {
  const cell = fc.oneof(
    hostileText,
    fc.constantFrom("Fishergate Bakery", "PR1 2AB", "SW1A 1AA", "1,234.56", "250.00", "-5", "2026-03", "2026-13", "Catering", "UK", "France", "supplier", "staff", "40", "101", "", "\"quoted, comma\"", "\"unterminated", "\"a\"\"b\""),
  );
  const file = (header: string) =>
    fc
      .tuple(fc.array(fc.array(cell, { maxLength: 7 }).map((cells) => cells.join(",")), { maxLength: 6 }), fc.constantFrom("\n", "\r\n", "\r"), fc.boolean())
      .map(([rows, eol, bom]) => (bom ? "\uFEFF" : "") + [header, ...rows].join(eol));
  const lineCount = (text: string) => text.split(/\r\n|\r|\n/).length;

  /** Each reader, its header, and the lines of what it read. */
  const readers: Array<[string, string, (text: string) => { ok: boolean; lines: number[]; errors: { line: number; reason: string }[] }]> = [
    ["supplier spend", "supplier,postcode,amount,period,category,country", (text) => {
      const r = parseSupplierSpendCsv(text);
      return { ok: r.ok, lines: r.rows.map((row) => row.line), errors: r.errors };
    }],
    ["LM3 survey answers", "recipient,amount,local_percent,respondent", (text) => {
      const r = parseSurveyCsv(text);
      return r.ok ? { ok: true, lines: r.answers.map((a) => a.line), errors: [] } : { ok: false, lines: [], errors: r.errors };
    }],
  ];
  for (const [name, header, read] of readers) {
    it(`${name}: every file is read whole with each row's line, or refused with line-numbered reasons`, () => {
      fc.assert(
        fc.property(fc.oneof(file(header), fc.string({ maxLength: 300 })), (text) => {
          const result = read(text);
          const lines = lineCount(text);
          for (const line of result.lines) {
            expect(line).toBeGreaterThanOrEqual(2);
            expect(line).toBeLessThanOrEqual(lines);
          }
          if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
          for (const problem of result.errors) {
            expect(problem.line).toBeGreaterThanOrEqual(1);
            expect(problem.line).toBeLessThanOrEqual(lines + 1);
            expect(problem.reason.length).toBeGreaterThan(0);
          }
        }),
        { numRuns: 400 },
      );
    });
  }
});
