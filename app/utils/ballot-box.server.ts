import type { NextFunction, Request, Response } from "express";
import { castVote } from "~/models/ballots.server";
import { GovernanceError } from "~/models/meetings.errors.server";
import { getDb } from "./db.server";
import { parseForm } from "./forms.server";
import { BALLOT_FORMS, type BallotForm } from "./governance.server";
import { contextForSessionToken, sessionTokenFromCookies } from "./session.server";

/*
 * The ballot box. When a general meeting opens a vote, most members vote in
 * the same minute, and each vote through Remix costs the server about twice
 * the CPU of the vote itself (measured in docs/governance.md). So the server
 * answers the common case before Remix: a ballot form posted by a signed-in
 * member allowed to vote, holding a valid ballot that is accepted. It checks
 * and casts exactly as the page's action does (the same session look-up,
 * permission, schema and castVote) and answers as it does, with a redirect
 * to the receipt. Anything else (not signed in, not allowed, an invalid
 * form, a refused ballot, another organisation's motion) is passed on to the
 * page's action with the same form data, which answers it on the page.
 */
const BALLOT_PAGES: Array<[RegExp, BallotForm]> = [
  [/^\/motions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/, BALLOT_FORMS.motion],
  [/^\/elections\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/, BALLOT_FORMS.election],
];

/** A form post's body, read once and kept for Remix should the ballot box pass the request on. */
export async function readFormBody(req: Request, res: Response): Promise<Buffer> {
  if (!res.locals.formBody) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    res.locals.formBody = Buffer.concat(chunks);
  }
  return res.locals.formBody as Buffer;
}

export async function ballotBox(req: Request, res: Response, next: NextFunction) {
  const page = BALLOT_PAGES.find(([path]) => path.test(req.path));
  if (!page || req.method !== "POST" || !req.is("application/x-www-form-urlencoded")) return next();
  const [path, form] = page;
  const motionId = path.exec(req.path)![1];
  try {
    const body = await readFormBody(req, res);
    const ctx = await contextForSessionToken(sessionTokenFromCookies(req.headers.cookie));
    if (!ctx?.organisation || !ctx.permissions.has("ballots:cast")) return next();
    const submission = parseForm(new URLSearchParams(body.toString("utf8")), { schema: form.schema });
    if (submission.status !== "success") return next();
    const { receipt } = await castVote(await getDb(), { organisationId: ctx.organisation.id, motionId, memberId: ctx.memberId, ...form.toBallot(submission.value) });
    res.status(302).set("Location", `${form.page(motionId)}?receipt=${receipt}`).end();
  } catch (error) {
    // A refusal (already voted, closed, not on the electorate, not this organisation's motion) is the page's to explain.
    if (error instanceof GovernanceError) return next();
    next(error);
  }
}
