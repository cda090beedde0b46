import type { ActionFunctionArgs } from "@remix-run/node";
import { passkeyLoginOptions } from "~/models/core/passkeys.server";
import { findLoginChallenge } from "~/models/core/two-factor.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { hashToken } from "~/utils/tokens.server";
import { appUrl, readChallengeToken } from "~/web/session.server";

/* Public: the log-in challenge cookie (a right password) is the proof. Options for the browser to sign with a passkey. */
export const access: RouteAccess = { action: "public" };

export async function action({ request }: ActionFunctionArgs) {
  const db = await getDb();
  const token = readChallengeToken(request);
  const challenge = token ? await findLoginChallenge(db, token) : undefined;
  const options = challenge && token ? await passkeyLoginOptions(db, challenge.user_id, hashToken(token), appUrl(request)) : null;
  if (!options) return new Response(JSON.stringify({ error: "No log-in in progress with a passkey" }), { status: 404, headers: { "Content-Type": "application/json" } });
  return new Response(JSON.stringify(options), { headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
}
