import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { switchOrganisation } from "~/models/core/auth.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requireUser, safeRedirect } from "~/web/session.server";
import { readForm } from "~/utils/forms.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { action: "signed-in" };

const SwitchSchema = z.object({ organisationId: z.string().uuid(), redirectTo: z.string().optional() });

export async function action({ request }: ActionFunctionArgs) {
  // Allowed before setting up a second factor: the other organisation may not require one.
  const ctx = await requireUser(request, { allowWithoutSecondFactor: true });
  const parsed = SwitchSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) throw new Response("Choose an organisation", { status: 400 });
  const ok = await switchOrganisation(await getDb(), ctx.sessionId, ctx.user.id, parsed.data.organisationId);
  // Not a member there: same answer as an organisation that does not exist.
  if (!ok) throw notFoundResponse();
  return redirect(safeRedirect(parsed.data.redirectTo, "/dashboard"));
}
