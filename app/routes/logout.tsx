import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { invalidateAllSessions, invalidateSession } from "~/models/core/auth.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { clearSessionCookie, requireUser } from "~/web/session.server";
import { readForm } from "~/utils/forms.server";

export const access: RouteAccess = { loader: "public", action: "signed-in" };

export async function loader() {
  return redirect("/");
}

/** "everywhere" ends every session of the user, on every device. */
export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireUser(request, { allowWithoutSecondFactor: true });
  const form = await readForm(request);
  const db = await getDb();
  if (form.get("scope") === "everywhere") await invalidateAllSessions(db, ctx.user.id);
  else await invalidateSession(db, ctx.sessionId);
  return redirect("/login", { headers: { "Set-Cookie": clearSessionCookie() } });
}
