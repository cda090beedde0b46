import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Flash, PageHead } from "~/components/ui";
import { calendarFeedCreated, renewCalendarFeed, stopCalendarFeed } from "~/models/governance/calendars.server";
import { CalendarFeedSchema } from "~/schemas/auth";
import type { RouteAccess } from "~/utils/access";
import * as clock from "~/utils/clock.server";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { appUrl, requireUser } from "~/web/session.server";

export const access: RouteAccess = { loader: "signed-in", action: "signed-in" };
export const meta: MetaFunction = () => [{ title: "Calendar feed · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const created = await calendarFeedCreated(await getDb(), ctx.user.id);
  return { created: created && ctx.organisation ? clock.dayOf(created, ctx.organisation) : created?.toISOString().slice(0, 10) ?? null };
}

/** A new private address (any earlier one stops working), shown once; or no feed at all. */
export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireUser(request);
  const submission = parseForm(await readForm(request), { schema: CalendarFeedSchema });
  if (submission.status !== "success") return { url: null, stopped: false };
  const db = await getDb();
  if (submission.value.intent === "stop") {
    await stopCalendarFeed(db, ctx.user.id);
    return { url: null, stopped: true };
  }
  const token = await db.transaction().execute((trx) => renewCalendarFeed(trx, ctx.user.id));
  return { url: `${appUrl(request)}/calendar/${token}/meetings.ics`, stopped: false };
}

export default function CalendarFeed() {
  const { created } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <>
      <PageHead title="Calendar feed" />
      <section className="card stack">
        <p>
          Subscribe to your co-operatives' meetings in your calendar program (Google Calendar, Outlook, Apple Calendar): every general and board meeting of
          each organisation you belong to, kept up to date. Each meeting page also has a single entry to download.
        </p>
        <Flash message={data?.stopped ? "Your calendar feed is switched off; its address no longer works." : null} />
        {data?.url ? (
          <div className="alert info" role="status">
            <p>Your private feed address (shown only now; keep it to yourself, anyone with it can see your meetings):</p>
            <p><code className="break">{data.url}</code></p>
          </div>
        ) : created ? (
          <p>You made a feed address on {created}. It is not shown again: make a new one if you need it (the old one then stops working).</p>
        ) : (
          <p>You have no feed yet.</p>
        )}
        <div className="toolbar">
          <Form method="post">
            <input type="hidden" name="intent" value="renew" />
            <button type="submit">{created || data?.url ? "Make a new address" : "Make my feed address"}</button>
          </Form>
          {created || data?.url ? (
            <Form method="post">
              <input type="hidden" name="intent" value="stop" />
              <button type="submit" className="secondary">Switch the feed off</button>
            </Form>
          ) : null}
        </div>
        <p><Link to="/account">Back to your account</Link></p>
      </section>
    </>
  );
}
