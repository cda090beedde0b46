import type { IncomingMessage, ServerResponse } from "node:http";
import { isUuid } from "~/schemas/common";
import { getDb } from "~/utils/db.server";
import { BALLOT_FORMS, castFormBallot } from "~/web/ballot-forms.server";
import { isFormPost, pathOf, readFormBody } from "~/utils/http.server";
import { sessionTokenFromCookies } from "~/web/session.server";

/*
 * The ballot box. When a general meeting opens a vote, most members vote in
 * the same minute, and each vote through Remix costs the server about twice
 * the CPU of the vote itself (measured in docs/governance.md). So the server
 * answers the common case before Remix: a ballot form posted by a signed-in
 * member allowed to vote, holding a valid ballot that is accepted. It parses
 * with the page's schema and casts with the same statement as the page's
 * action, with the session look-up and the permission check inside it
 * (sessionMembersSql), and the ballots that arrive together go as one
 * statement (castSessionBallots). It answers as the action does, with a
 * redirect to the receipt. Anything else (not signed in, a session due for
 * renewal, not allowed, an invalid form, a refused ballot, another
 * organisation's motion) is passed on to the page's action with the same
 * form data, which answers it on the page.
 */
const BALLOT_PAGE = /^\/(motions|elections)\/([^/]+)\/?$/;

/**
 * Answers the request if it is an accepted ballot (true); anything else is
 * left unanswered (false) for Express and Remix, with the form's body kept.
 */
export async function ballotBox(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== "POST") return false;
  const page = BALLOT_PAGE.exec(pathOf(req.url));
  const form = page && Object.values(BALLOT_FORMS).find((f) => f.section === page[1]);
  if (!page || !form || !isUuid(page[2]) || !isFormPost(req)) return false;
  const sessionToken = sessionTokenFromCookies(req.headers.cookie);
  if (!sessionToken) return false;
  const body = await readFormBody(req);
  const cast = await castFormBallot(await getDb(), { sessionToken }, page[2], form, new URLSearchParams(body.toString("utf8")));
  // Not parsed or not cast (session to renew, not allowed to vote, already voted, closed, not on the electorate,
  // not this organisation's motion): the page's to explain.
  if (!cast.receiptPage) return false;
  res.writeHead(302, { Location: cast.receiptPage }).end();
  return true;
}
