import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { setVoteReminders } from "~/models/governance/vote-reminders.server";
import { VoteRemindersSchema } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { requireUser } from "~/web/session.server";

/* The account page's "Email me a reminder before a vote closes" checkbox posts here. */
export const access: RouteAccess = { action: "signed-in" };

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireUser(request);
  const submission = parseForm(await readForm(request), { schema: VoteRemindersSchema });
  if (submission.status !== "success") return redirect("/account");
  await setVoteReminders(await getDb(), ctx.user.id, submission.value.voteReminders === "on");
  return redirect("/account?saved=reminders");
}
