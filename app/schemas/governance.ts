import { nonEmptyLines } from "~/domain/text";
import { ELECTION_KINDS } from "~/domain/voting/kinds";
import { z } from "zod";
import { confirmed, isoDate, uuid } from "./common";

/*
 * Forms of the governance area. Shared by the browser (Conform validates as
 * people type) and the actions (the same schema decides on the server).
 */

export const MEETING_KINDS = [["agm", "Annual general meeting"], ["sgm", "Special general meeting"], ["board", "Board meeting"]] as const;
export const MEETING_FORMATS = [["hybrid", "Hybrid (in person and online)"], ["in-person", "In person"], ["electronic", "Online only"]] as const;
export const MOTION_KINDS = [
  ["ordinary", "Ordinary resolution (more than half of votes cast)"],
  ["special", "Special resolution (at least the special threshold)"],
  ["custom", "Resolution with its own threshold"],
] as const;
export const ELECTION_KIND_OPTIONS = [
  ["stv", "Single transferable vote (ranked)"],
  ["plurality", "Plurality (one choice, most votes win)"],
  ["approval", "Approval (tick any number)"],
] as const;
export const CHOICES = [["for", "For"], ["against", "Against"], ["abstain", "Abstain"]] as const;

const text = (max: number) => z.string().trim().max(max, `Use at most ${max} characters`).optional().default("");

export const MeetingSchema = z
  .object({
    kind: z.enum(["agm", "sgm", "board"], { required_error: "Choose the kind of meeting" }),
    title: z.string({ required_error: "Give the meeting a title" }).trim().min(1, "Give the meeting a title").max(200),
    heldOn: isoDate,
    startsAt: z.string().trim().regex(/^(\d{2}:\d{2})?$/, "Enter a time like 18:30").optional().default(""),
    place: text(300),
    format: z.enum(["electronic", "in-person", "hybrid"], { required_error: "Choose how the meeting is held" }),
    noticeGivenOn: isoDate,
    recordDate: isoDate.optional(),
    agenda: text(5000),
    documents: text(5000),
  })
  .superRefine((v, ctx) => {
    if (v.noticeGivenOn > v.heldOn) ctx.addIssue({ code: "custom", path: ["noticeGivenOn"], message: "Notice must be given before the meeting" });
    if (v.recordDate && v.recordDate > v.heldOn) ctx.addIssue({ code: "custom", path: ["recordDate"], message: "The record date cannot be after the meeting" });
  });
export type MeetingInput = z.infer<typeof MeetingSchema>;

export const MotionSchema = z
  .object({
    kind: z.enum(["ordinary", "special", "custom"], { required_error: "Choose the kind of resolution" }),
    title: z.string({ required_error: "Give the motion a title" }).trim().min(1, "Give the motion a title").max(200),
    body: text(10000),
    thresholdNumerator: z.coerce.number().int("Whole numbers only").min(1, "At least 1").max(1000).optional(),
    thresholdDenominator: z.coerce.number().int("Whole numbers only").min(1, "At least 1").max(1000).optional(),
    thresholdComparison: z.enum(["at-least", "more-than"]).optional().default("at-least"),
  })
  .superRefine((v, ctx) => {
    if (v.kind !== "custom") return;
    if (!v.thresholdNumerator) ctx.addIssue({ code: "custom", path: ["thresholdNumerator"], message: "Enter the top of the fraction, e.g. 2 for two thirds" });
    if (!v.thresholdDenominator) ctx.addIssue({ code: "custom", path: ["thresholdDenominator"], message: "Enter the bottom of the fraction, e.g. 3 for two thirds" });
    if (v.thresholdNumerator && v.thresholdDenominator && v.thresholdNumerator > v.thresholdDenominator) {
      ctx.addIssue({ code: "custom", path: ["thresholdNumerator"], message: "The threshold cannot be more than all of the votes" });
    }
  });
export type MotionInput = z.infer<typeof MotionSchema>;

export const ElectionSchema = z
  .object({
    kind: z.enum(ELECTION_KINDS, { required_error: "Choose how the election is counted" }),
    title: z.string({ required_error: "Give the election a title" }).trim().min(1, "Give the election a title").max(200),
    body: text(10000),
    seats: z.coerce.number({ invalid_type_error: "Enter a number of seats" }).int("Whole numbers only").min(1, "At least one seat").max(50),
    countMethod: z.enum(["scottish", "meek"]).optional().default("scottish"),
    candidates: z
      .string({ required_error: "List the candidates, one per line" })
      .transform(nonEmptyLines),
  })
  .superRefine((v, ctx) => {
    if (v.candidates.length < 2) ctx.addIssue({ code: "custom", path: ["candidates"], message: "List at least two candidates or options, one per line" });
    if (v.candidates.length > 100) ctx.addIssue({ code: "custom", path: ["candidates"], message: "At most 100 candidates" });
    if (new Set(v.candidates).size !== v.candidates.length) ctx.addIssue({ code: "custom", path: ["candidates"], message: "Each candidate may be listed once" });
    if (v.candidates.some((c) => c.length > 200)) ctx.addIssue({ code: "custom", path: ["candidates"], message: "Names are at most 200 characters" });
    if (v.seats >= v.candidates.length && v.kind === "stv") ctx.addIssue({ code: "custom", path: ["seats"], message: "There must be more candidates than seats" });
  });
export type ElectionInput = z.infer<typeof ElectionSchema>;

export const VoteSchema = z.object({
  choice: z.enum(["for", "against", "abstain"], { errorMap: () => ({ message: "Choose for, against or abstain" }) }),
});

/** A ranking as candidate numbers in order of preference; repeats are refused with a message. */
export const RankingSchema = z.object({
  ranking: z
    .array(z.coerce.number().int().min(1).max(200), { required_error: "Rank at least one candidate" })
    .min(1, "Rank at least one candidate")
    .refine((r) => new Set(r).size === r.length, "A candidate can be ranked only once"),
});

export const ManageMotionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("open") }),
  // `earlyReason`: why voting closes before its meeting opens (recorded in the minutes); refused without it.
  z.object({ intent: z.literal("close"), confirmed, earlyReason: z.string().trim().max(2000).optional().default("") }),
  z.object({
    intent: z.literal("hands"),
    present: z.coerce.number({ invalid_type_error: "Enter a number" }).int().min(0, "Cannot be negative").max(10_000_000),
    votesFor: z.coerce.number({ invalid_type_error: "Enter a number" }).int().min(0, "Cannot be negative").max(10_000_000),
    votesAgainst: z.coerce.number({ invalid_type_error: "Enter a number" }).int().min(0, "Cannot be negative").max(10_000_000),
    votesAbstain: z.coerce.number({ invalid_type_error: "Enter a number" }).int().min(0, "Cannot be negative").max(10_000_000),
  }),
]);

export const ProxyAppointSchema = z.object({
  intent: z.literal("appoint"),
  holder: z.string({ required_error: "Choose who will hold your proxy" }).trim().min(1, "Choose who will hold your proxy"),
  /** instruction.<motionId> = for | against | abstain | "" (proxy's discretion) */
  // "Proxy decides" posts an empty string; it means no instruction on that resolution, so it is dropped here.
  instructions: z
    .record(z.union([z.literal(""), z.enum(["for", "against", "abstain"])]).optional())
    .optional()
    .default({})
    .transform((all) => {
      const kept: Record<string, "for" | "against" | "abstain"> = {};
      for (const [motionId, choice] of Object.entries(all)) if (choice) kept[motionId] = choice;
      return kept;
    }),
});
export const ProxyRevokeSchema = z.object({ intent: z.literal("revoke"), appointmentId: uuid });
export const ProxySchema = z.discriminatedUnion("intent", [ProxyAppointSchema, ProxyRevokeSchema]);
/** Finding the member who will hold a proxy: a name (or part of it) or a member number. */
export const ProxySearchSchema = z.object({ q: z.string().trim().max(100, "Search with at most 100 characters").optional().default("") });

export const ProxyVoteSchema = z.object({
  appointmentId: uuid,
  choice: z.enum(["for", "against", "abstain"], { errorMap: () => ({ message: "Choose for, against or abstain" }) }),
});

export const ReceiptSchema = z.object({
  code: z
    .string({ required_error: "Enter the receipt code" })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z2-9]{4}-?[A-Z2-9]{4}-?[A-Z2-9]{4}$/, "A receipt code looks like ABCD-EFGH-JKLM"),
});

export const BltImportSchema = z.object({
  blt: z.string({ required_error: "Paste the BLT file" }).min(5, "Paste the BLT file").max(20_000_000),
  countMethod: z.enum(["scottish", "meek"]).optional().default("scottish"),
});

/** The secretary's forms on a meeting's page. */
export const MeetingActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("minutes"), minutes: z.string().max(100_000).optional().default("") }),
  // A member who comes to the meeting in person votes there: the secretary revokes their proxy so it is not counted too.
  z.object({ intent: z.literal("revoke-proxy"), appointmentId: uuid }),
  z.object({ intent: z.literal("email-notice") }),
]);
export type MeetingAction = z.infer<typeof MeetingActionSchema>;

/**
 * The discussion on a motion or an election (app/components/governance/discussion.tsx):
 * a comment or a reply, the secretary hiding one with a reason, and the
 * secretary setting when voting is due to close (for reminders and "closes in ...").
 */
export const DiscussionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("comment"),
    body: z.string({ required_error: "Write something to post" }).trim().min(1, "Write something to post").max(4000, "A comment is at most 4,000 characters"),
    parentId: uuid.optional(),
  }),
  z.object({
    intent: z.literal("hide"),
    commentId: uuid,
    reason: z.string({ required_error: "Say why: members see the reason in its place" }).trim().min(1, "Say why: members see the reason in its place").max(500, "At most 500 characters"),
  }),
  z.object({
    intent: z.literal("closing-time"),
    /** Local date and time on the organisation's clocks; empty clears it. */
    closesAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "Enter a date and time").optional(),
  }),
]);

/** The account page's reminder checkbox. */
export const VoteRemindersSchema = z.object({ intent: z.literal("vote-reminders"), voteReminders: z.enum(["on"]).optional() });
