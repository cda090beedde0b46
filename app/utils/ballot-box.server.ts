import type { NextFunction, Request, Response } from "express";
import { isUuid } from "~/schemas/common";
import { getDb } from "./db.server";
import { BALLOT_FORMS, castFormBallot } from "./governance.server";
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
const BALLOT_PAGE = /^\/(motions|elections)\/([^/]+)\/?$/;

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
  const page = BALLOT_PAGE.exec(req.path);
  const form = page && Object.values(BALLOT_FORMS).find((f) => f.section === page[1]);
  if (!page || !form || !isUuid(page[2]) || req.method !== "POST" || !req.is("application/x-www-form-urlencoded")) return next();
  try {
    const body = await readFormBody(req, res);
    const ctx = await contextForSessionToken(sessionTokenFromCookies(req.headers.cookie));
    if (!ctx?.organisation || !ctx.permissions.has("ballots:cast")) return next();
    const cast = await castFormBallot(await getDb(), { organisation: ctx.organisation, memberId: ctx.memberId }, page[2], form, new URLSearchParams(body.toString("utf8")));
    // Not parsed or refused (already voted, closed, not on the electorate, not this organisation's motion): the page's to explain.
    if (!cast.receiptPage) return next();
    res.status(302).set("Location", cast.receiptPage).end();
  } catch (error) {
    next(error);
  }
}
