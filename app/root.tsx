import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import stylesheet from "~/styles/app.css";
import { ROLE_LABELS } from "~/domain/permissions";
import { organisationsOfUser } from "~/models/core/auth.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { navFor } from "~/utils/nav";
import { navCounts } from "~/domain/decisions";
import { decisionsFor } from "~/models/core/decisions.server";
import * as clock from "~/utils/clock.server";
import { useNonce, useRequestId } from "~/utils/nonce";
import { getRequestContext } from "~/web/session.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Co-op Register" }];

/* Public: the layout needs to know who (if anyone) is signed in. */
export const access: RouteAccess = { loader: "public" };

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await getRequestContext(request);
  if (!ctx) return { user: null };
  const db = await getDb();
  const [organisations, decisions] = await Promise.all([
    organisationsOfUser(db, ctx.user.id),
    ctx.organisation ? decisionsFor(db, { organisationId: ctx.organisation.id, userId: ctx.user.id, permissions: ctx.permissions }, clock.today(ctx.organisation)) : [],
  ]);
  return {
    user: { name: ctx.user.name, email: ctx.user.email },
    organisation: ctx.organisation,
    organisations,
    roles: ctx.roles.map((r) => ROLE_LABELS[r]),
    nav: navFor(ctx.permissions, navCounts(decisions)),
  };
}

type RootData = Awaited<ReturnType<typeof loader>>;

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">Skip to content</a>
        <Header data={data} />
        <main id="main" tabIndex={-1}>{children}</main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function Header({ data }: { data: RootData | undefined }) {
  if (!data?.user) {
    return (
      <header className="site-header">
        <Link to="/" className="brand">Co-op Register</Link>
        <nav aria-label="Account"><Link to="/login">Log in</Link></nav>
      </header>
    );
  }
  const waiting = data.nav.reduce((n, item) => n + item.waiting, 0);
  return (
    <header className="site-header">
      <Link to="/dashboard" className="brand">Co-op Register</Link>
      <MenuToggle controls="site-menu" waiting={waiting} />
      <div id="site-menu" className="site-menu">
        <nav aria-label="Main" className="menu">
          <ul>
            {data.nav.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
                {/* Beside the link, not in it: the link keeps its plain name ("Members"). */}
                {item.waiting > 0 ? (
                  <>
                    <span className="nav-count" aria-hidden="true">{item.waiting}</span>
                    <span className="visually-hidden">{` (${item.waiting} waiting for your decision)`}</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          {data.organisations.length > 1 ? (
            <Form method="post" action="/switch-organisation" className="org-switch">
              <label htmlFor="org-switch">Organisation</label>
              <select id="org-switch" name="organisationId" defaultValue={data.organisation?.id}>
                {data.organisations.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
              </select>
              <input type="hidden" name="redirectTo" value="/dashboard" />
              <button type="submit" className="secondary">Switch</button>
            </Form>
          ) : (
            <span className="org-name">{data.organisation?.name}</span>
          )}
          <span className="who">{data.user.name}{data.roles.length ? ` (${data.roles.join(", ")})` : ""}</span>
          <Link to="/account">Account</Link>
          <Form method="post" action="/logout"><button type="submit" className="link">Log out</button></Form>
        </div>
      </div>
    </header>
  );
}

/**
 * On a phone the navigation and the account links fold away behind "Menu" (issue #16: unfolded they took a
 * third of the screen). A <details> with nothing inside is the switch: its summary opens and closes it with a
 * click, Enter or Space, without JavaScript; the CSS shows the menu beside it (`.menu-toggle[open] + .site-menu`)
 * only on narrow screens, and hides the switch on wide ones, where the menu shows as a row. The links stay in
 * the page either way (the crawl and the bench read them). The decisions waiting show as one total on the
 * switch. Once hydrated, aria-expanded says the state (before, the browser's own <details> semantics do), and
 * following a link folds the menu again.
 */
function MenuToggle({ controls, waiting }: { controls: string; waiting: number }) {
  const [open, setOpen] = useState(false);
  const [hydrated, setHydrated] = useState(false);
  const { pathname } = useLocation();
  useEffect(() => setHydrated(true), []);
  useEffect(() => setOpen(false), [pathname]);
  return (
    <details className="menu-toggle" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary aria-controls={controls} aria-expanded={hydrated ? open : undefined}>
        Menu
        {waiting > 0 ? (
          <>
            <span className="nav-count" aria-hidden="true">{waiting}</span>
            <span className="visually-hidden">{` (${waiting} waiting for your decision)`}</span>
          </>
        ) : null}
      </summary>
    </details>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const location = useLocation();
  const requestId = useRequestId();
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      return (
        <section className="error-page">
          <h1>Page not found</h1>
          <p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
          <p><Link to="/dashboard">Go to your dashboard</Link></p>
        </section>
      );
    }
    if (error.status === 403) {
      const detail = parseDetail(error.data);
      return (
        <section className="error-page">
          <h1>You don't have access to this page</h1>
          <p>{detail?.message ?? "Your role in this organisation does not allow this."}</p>
          <p>Ask your organisation's secretary if you need it.</p>
          <p><Link to="/dashboard">Back to your dashboard</Link></p>
        </section>
      );
    }
    if (error.status === 503) {
      return (
        <section className="error-page">
          <h1>The service is briefly unavailable</h1>
          <p>We cannot reach the database just now. Nothing you sent was half-saved; please try again in a minute.</p>
        </section>
      );
    }
    return (
      <section className="error-page">
        <h1>{error.status} {error.statusText}</h1>
        <p>{typeof error.data === "string" ? error.data : "The request could not be completed."}</p>
        {/* A refused form (400, 413, 415): nothing was saved; the page's form is one link away. */}
        <p><Link to={location.pathname} reloadDocument>Back to the page</Link></p>
      </section>
    );
  }
  return (
    <section className="error-page">
      <h1>Something went wrong</h1>
      <p>The error has been logged. Please try again; if it keeps happening, tell your administrator.</p>
      <p suppressHydrationWarning>{requestId ? `Reference to quote: ${requestId}` : ""}</p>
    </section>
  );
}

function parseDetail(data: unknown): { message?: string } | null {
  if (data && typeof data === "object") return data as { message?: string };
  if (typeof data === "string") {
    try {
      return JSON.parse(data);
    } catch {
      return { message: data };
    }
  }
  return null;
}
