import { describe, expect, it } from "vitest";
import { checkSeparationOfDuties, type Duty } from "./duties";

const DUTIES: Duty[] = ["share_transfer", "interest_run", "loan_write_off", "credit_decision"];

describe("separation of duties", () => {
  it("refuses the person who asked, proposed, previewed or took it, for every kind of decision", () => {
    for (const duty of DUTIES) {
      for (const as of ["asked for", "previewed", "proposed", "took", "is a party to"] as const) {
        const r = checkSeparationOfDuties(duty, "u1", [{ userId: "u0", as: "asked for" }, { userId: "u1", as }]);
        expect({ duty, as, ok: r.ok }).toEqual({ duty, as, ok: false });
      }
    }
  });

  it("lets anyone else decide, and ignores who is unknown (rows from before it was recorded)", () => {
    for (const duty of DUTIES) {
      expect(checkSeparationOfDuties(duty, "u2", [{ userId: "u1", as: "proposed" }])).toEqual({ ok: true });
      expect(checkSeparationOfDuties(duty, "u2", [{ userId: null, as: "asked for" }, { userId: undefined, as: "took" }])).toEqual({ ok: true });
      expect(checkSeparationOfDuties(duty, "u2", [])).toEqual({ ok: true });
    }
  });

  it("says who did what and who decides instead", () => {
    expect(checkSeparationOfDuties("share_transfer", "u1", [{ userId: "u1", as: "asked for" }])).toEqual({ ok: false, reason: "You asked for this transfer, so another board member must approve it." });
    expect(checkSeparationOfDuties("share_transfer", "u1", [{ userId: "u1", as: "is a party to" }])).toEqual({ ok: false, reason: "You are a party to this transfer, so another board member must approve it." });
    expect(checkSeparationOfDuties("interest_run", "u1", [{ userId: "u1", as: "previewed" }])).toEqual({ ok: false, reason: "You previewed this interest run, so another board member must approve it." });
    expect(checkSeparationOfDuties("loan_write_off", "u1", [{ userId: "u1", as: "proposed" }])).toEqual({ ok: false, reason: "You proposed this write-off, so another board member must decide on it; you can withdraw it." });
    expect(checkSeparationOfDuties("credit_decision", "u1", [{ userId: "u1", as: "took" }])).toEqual({ ok: false, reason: "You took this application as its loan officer, so recuse yourself and let the rest of the credit committee decide." });
  });
});
