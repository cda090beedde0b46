import type { IncomingMessage, ServerResponse } from "node:http";
import { isUuid } from "~/schemas/common";
import { getDb } from "./db.server";
import { BALLOT_FORMS, castFormBallot } from "./governance.server";
import { sessionTokenFromCookies } from "./session.server";

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

/** The path of a request's URL, without its query string. */
export function pathOf(url: string | undefined): string {
  if (!url) return "/";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

/** Whether a request's body is an HTML form's (application/x-www-form-urlencoded, whatever its parameters). */
export function isFormPost(req: IncomingMessage): boolean {
  const type = req.headers["content-type"];
  if (!type) return false;
  const semicolon = type.indexOf(";");
  return (semicolon < 0 ? type : type.slice(0, semicolon)).trim().toLowerCase() === "application/x-www-form-urlencoded";
}

const formBodies = new WeakMap<IncomingMessage, Promise<Buffer>>();

/** The largest HTML form post taken: the longest form field (a meeting's minutes) is 100,000 characters. */
export const MAX_FORM_BYTES = 1024 * 1024;
/** The largest upload (multipart): a register of 100,000 members as CSV is about 15 MB. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

/** A request body over its limit: answered 413, never read into memory whole. */
export class FormTooLargeError extends Error {
  constructor(limit = MAX_FORM_BYTES) {
    super(`This ${limit === MAX_FORM_BYTES ? "form" : "upload"} is larger than ${limit / 1024 / 1024} MB and was not accepted.`);
  }
}

/** The refusal for a body whose declared length is over its limit (a form's or an upload's), or null. */
export function declaredTooLarge(req: IncomingMessage): FormTooLargeError | null {
  const limit = isFormPost(req) ? MAX_FORM_BYTES : MAX_UPLOAD_BYTES;
  return Number(req.headers["content-length"] ?? 0) > limit ? new FormTooLargeError(limit) : null;
}

/** A form post's body, read once and kept for Remix should the ballot box pass the request on. */
export function readFormBody(req: IncomingMessage): Promise<Buffer> {
  let body = formBodies.get(req);
  if (!body) {
    body = new Promise((resolve, reject) => {
      const tooLarge = () => {
        // The rest is read and dropped, so the refusal can still be answered on this connection.
        req.removeAllListeners("data");
        req.resume();
        reject(new FormTooLargeError());
      };
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_FORM_BYTES) return tooLarge();
        chunks.push(chunk);
      });
      req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
      req.on("error", reject);
    });
    formBodies.set(req, body);
  }
  return body;
}

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
