import { describe, expect, it } from "vitest";
import { CONFIRMATION_MISSING } from "./common";
import { ManageMotionSchema } from "./governance";
import { WithdrawUploadSchema } from "./impact";
import { ApplicationStepSchema, LoanActionSchema, WriteOffActionSchema } from "./lending";
import { DecisionSchema, TRANSFER_REASON_MISSING, TransferDecisionSchema } from "./shares";

const ID = "8a7c2d9e-4b1f-4c3a-9e2d-1f0b3c4d5e6f";

/** Each irreversible action's form, as the page posts it once confirmed. */
const IRREVERSIBLE: [string, { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: (string | number)[]; message: string }[] } } }, Record<string, string>][] = [
  ["closing a vote", ManageMotionSchema, { intent: "close" }],
  ["reversing a repayment", LoanActionSchema, { intent: "reversal", transactionId: "12", onDate: "2026-03-03", note: "Wrong loan" }],
  ["reversing a pay-out", LoanActionSchema, { intent: "payout-reversal", onDate: "2026-03-03", note: "Wrong borrower", confirm: "on" }],
  ["withdrawing a loan application", ApplicationStepSchema, { intent: "withdraw" }],
  ["withdrawing a spend upload", WithdrawUploadSchema, { intent: "withdraw", uploadId: ID }],
  ["approving a write-off", WriteOffActionSchema, { intent: "approve", proposalId: ID }],
  ["declining a share application", DecisionSchema, { decision: "decline", applicationId: ID, on: "2026-03-03", reason: "Outside our area" }],
  ["rejecting a transfer", TransferDecisionSchema, { transferId: ID, decision: "reject", on: "2026-03-03", note: "In arrears" }],
];

describe("irreversible actions carry the confirmation", () => {
  it.each(IRREVERSIBLE)("%s is refused without confirmed=yes, and accepted with it", (_name, schema, form) => {
    const bare = schema.safeParse(form);
    expect(bare.success).toBe(false);
    expect(bare.error!.issues).toEqual([expect.objectContaining({ path: ["confirmed"], message: CONFIRMATION_MISSING })]);
    expect(schema.safeParse({ ...form, confirmed: "on" }).success).toBe(false);
    expect(schema.safeParse({ ...form, confirmed: "yes" }).success).toBe(true);
  });

  it("does not ask it of the reversible choices beside them (approving a transfer, rejecting a write-off, opening a vote)", () => {
    expect(TransferDecisionSchema.safeParse({ transferId: ID, decision: "approve", on: "2026-03-03" }).success).toBe(true);
    expect(WriteOffActionSchema.safeParse({ intent: "reject", proposalId: ID, note: "Not yet" }).success).toBe(true);
    expect(ManageMotionSchema.safeParse({ intent: "open" }).success).toBe(true);
  });

  it("rejecting a transfer needs the reason the members are told", () => {
    const r = TransferDecisionSchema.safeParse({ transferId: ID, decision: "reject", on: "2026-03-03", note: "  ", confirmed: "yes" });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ["note"], message: TRANSFER_REASON_MISSING });
  });
});
