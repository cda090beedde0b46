import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { motionHref } from "~/domain/voting/labels";
import { PageHead } from "~/components/ui";
import { checkReceipt } from "~/models/governance/ballots.server";
import { ReceiptSchema } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";

export const access: RouteAccess = { loader: "meetings:read" };
export const meta: MetaFunction = () => [{ title: "Check a ballot receipt · Co-op Register" }];

const STATUS_TEXT = {
  counted: "A ballot with this receipt was in the ballot box when voting closed, and it was counted in the certified result.",
  "in-ballot-box": "A ballot with this receipt is in the ballot box. It will be counted when voting closes.",
  "held-by-proxy": "A proxy vote with this receipt is held. It will be counted at close unless the member votes themself or revokes the proxy.",
  "not-counted": "This proxy vote was not counted: the member voted themself or revoked the proxy before voting closed.",
} as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:read");
  const url = new URL(request.url);
  if (!url.searchParams.has("code")) return { code: "", error: null, result: null };
  const parsed = ReceiptSchema.safeParse({ code: url.searchParams.get("code") ?? "" });
  if (!parsed.success) return { code: url.searchParams.get("code") ?? "", error: parsed.error.issues[0].message, result: null };
  return { code: parsed.data.code, error: null, result: await checkReceipt(await getDb(), ctx.organisation.id, parsed.data.code) };
}

export default function Receipts() {
  const { code, error, result } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title="Check a ballot receipt" />
      <section className="card stack">
        <p>Enter the receipt code you were given when you voted. The check says whether your ballot is in the box and was counted; it never shows how anyone voted.</p>
        <Form method="get" className="toolbar">
          <div className="field">
            <label htmlFor="code">Receipt code</label>
            <input id="code" name="code" defaultValue={code} autoComplete="off" aria-invalid={error ? true : undefined} aria-describedby={error ? "code-error" : undefined} />
            {error ? <p className="error" id="code-error" role="alert">{error}</p> : null}
          </div>
          <button type="submit">Check</button>
        </Form>
      </section>
      {result ? (
        result.found ? (
          <section className="card" role="status">
            <p><strong>Found.</strong> {STATUS_TEXT[result.status]}</p>
            <p>Motion: <Link to={motionHref({ id: result.motionId, kind: result.kind })}>{result.motionTitle}</Link> ({result.meetingTitle})</p>
          </section>
        ) : (
          <p className="alert error" role="alert">No ballot with that receipt code was found in this organisation.</p>
        )
      ) : null}
    </>
  );
}
