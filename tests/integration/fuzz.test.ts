/**
 * Hostile and random input never crashes a parser: every schema answers
 * with success or with messages a person can read; the BLT parser and the
 * CSV importer answer with a line number and a reason.
 */
import fc from "fast-check";
import type { ZodTypeAny } from "zod";
import { describe, expect, it } from "vitest";
import { parseMoney } from "~/domain/money";
import { parsePostcode, parseLocalArea } from "~/domain/postcode";
import { BltError, parseBlt } from "~/domain/voting/stv/blt";
import { AcceptInvitationSchema, ChangePasswordSchema, ForgotPasswordSchema, LoginSchema, NewPasswordSchema } from "~/schemas/auth";
import { MemberSchema, MemberStatusSchema } from "~/schemas/member";
import { InviteSchema, OrganisationSettingsSchema, RolesSchema } from "~/schemas/organisation";

const SCHEMAS: Record<string, ZodTypeAny> = {
  LoginSchema, ForgotPasswordSchema, NewPasswordSchema, AcceptInvitationSchema, ChangePasswordSchema,
  MemberSchema, MemberStatusSchema, OrganisationSettingsSchema, InviteSchema, RolesSchema,
};

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
      const keys = Object.keys((schema as { shape?: object }).shape ?? (schema as { _def: { schema: { shape: object } } })._def.schema?.shape ?? {});
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
    const { importMembers } = await import("~/models/import.server");
    const { getOrganisation } = await import("~/models/organisations.server");
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
