import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import type { RouteAccess } from "~/utils/access";
import { getRequestContext } from "~/web/session.server";

export const access: RouteAccess = { loader: "public" };

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getRequestContext(request)) throw redirect("/dashboard");
  return null;
}

export default function Index() {
  return (
    <section className="card">
      <h1>The register and ballot box for your co-op</h1>
      <p>
        Members, share capital, lending to local businesses and member votes for worker co-operatives, community
        shares societies, credit unions and community banks.
      </p>
      <p><Link className="button" to="/login">Log in</Link></p>
    </section>
  );
}
