import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ImpactHeadlineStats } from "~/components/impact/headlines";
import { PageHead } from "~/components/ui";
import { impactHeadlines, publicOrganisation } from "~/models/impact/impact-figures.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import * as clock from "~/utils/clock.server";
import { notFoundResponse } from "~/web/refusals.server";
import { DateText } from "~/components/dates";
import { localeOrDefault } from "~/domain/locale";

export const access: RouteAccess = { loader: "public" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.name}: community impact` : "Community impact" }];

/**
 * A society's public impact page, only when it has opted in (Impact
 * settings); otherwise 404, so an unpublished society's existence is not
 * confirmed either. Headline totals only.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const slug = params.publicSlug ?? "";
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) throw notFoundResponse("No such page");
  const db = await getDb();
  const org = await publicOrganisation(db, slug);
  if (!org) throw notFoundResponse("No such page");
  const asAt = clock.today(org);
  const locale = localeOrDefault(org.locale);
  return { name: org.name, locale, money: { currency: org.currency, locale }, summary: org.public_summary, headlines: await impactHeadlines(db, org.id, asAt, org) };
}

export default function PublicImpact() {
  const { name, locale, money, summary, headlines } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title={`${name}: community impact`} />
      {summary ? <p>{summary}</p> : null}
      <ImpactHeadlineStats h={headlines} money={money} />
      <p className="muted">Figures as at <DateText iso={headlines.asAt} locale={locale} long />. Local means a postcode inside the society&apos;s local area.</p>
    </>
  );
}
