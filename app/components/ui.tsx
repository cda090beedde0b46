import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

export function PageHead({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-head">
      <h1>{title}</h1>
      {children ? <div className="toolbar">{children}</div> : null}
    </div>
  );
}

/** `figure` names a headline figure (models/headlines.server.ts) so every page marks the same figure the same way. */
export function Stat({ label, value, hint, figure }: { label: string; value: ReactNode; hint?: ReactNode; figure?: string }) {
  return (
    <div className="stat" data-figure={figure}>
      <div className="label">{label}</div>
      <div className="value">{value}</div>
      {hint ? <div className="muted">{hint}</div> : null}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${status}`}>{status}</span>;
}

export function Flash({ message, tone = "success" }: { message?: string | null; tone?: "success" | "error" | "info" }) {
  return message ? (
    <div className={`alert ${tone}`} role={tone === "error" ? "alert" : "status"}>
      {message}
    </div>
  ) : null;
}

/** Previous / next links; `param` names the query parameter, so one page can page several lists apart. */
export function Pagination({ page, hasNext, search, param = "page", label = "Pages" }: { page: number; hasNext: boolean; search: URLSearchParams; param?: string; label?: string }) {
  const to = (p: number) => {
    const next = new URLSearchParams(search);
    next.set(param, String(p));
    return `?${next.toString()}`;
  };
  return (
    <nav className="pagination" aria-label={label}>
      {page > 1 ? <Link to={to(page - 1)}>Previous page</Link> : null}
      <span>Page {page}</span>
      {hasNext ? <Link to={to(page + 1)}>Next page</Link> : null}
    </nav>
  );
}

/** A table that may scroll sideways on a phone: focusable and named, so keyboard users can scroll it too. */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
