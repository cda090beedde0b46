import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ImpactHeadlineStats } from "~/components/impact/headlines";
import { useLoaderData } from "@remix-run/react";
import { PageHead } from "~/components/ui";
import { impactHeadlines } from "~/models/impact/impact-figures.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "self:read" };
export const meta: MetaFunction = () => [{ title: "Our community impact · Co-op Register" }];

/** What members see of the community wealth figures: the headlines, no one's details. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "self:read");
  const asAt = clock.today(ctx.organisation);
  return { name: ctx.organisation.name, hasStatement: ctx.memberId !== null, headlines: await impactHeadlines(await getDb(), ctx.organisation.id, asAt, ctx.organisation) };
}

export default function ImpactSummary() {
  const { name, headlines, hasStatement } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title="Our community impact" />
      <p>How {name} keeps money working in the local area, as at <DateText iso={headlines.asAt} long />.</p>
      <ImpactHeadlineStats h={headlines} />
      {hasStatement ? (
        <p>
          <a href="/reports/statement" download>Download my annual statement (PDF)</a> — your shares at the start and end of last year, what you bought or withdrew, and interest.
        </p>
      ) : null}
    </>
  );
}
