import type { ActionFunctionArgs } from "@remix-run/node";
import { passkeyRegistrationOptions } from "~/models/core/passkeys.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { appUrl, requireUser } from "~/web/session.server";

/* Options for the browser to make a passkey (JSON, fetched by the set-up page's button). */
export const access: RouteAccess = { action: "signed-in" };

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireUser(request, { allowWithoutSecondFactor: true });
  const options = await passkeyRegistrationOptions(await getDb(), ctx.user, appUrl(request));
  return new Response(JSON.stringify(options), { headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
}
