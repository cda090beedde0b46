import { useRevalidator } from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { TableWrap } from "~/components/ui";

/*
 * The progress page of a large import run by a job (a bank statement, a
 * members file): a <progress> and an aria-live status, reloaded every second
 * with useRevalidator while the job runs (without JavaScript: a noscript meta
 * refresh and a Refresh link), then what was imported or every problem with
 * its line number. The loader gives the job's state (utils/jobs.server.ts
 * jobProgress); the page says what it imports and what was imported.
 */

export interface ImportJobState {
  status: "queued" | "running" | "done" | "failed";
  progress: number;
  message: string | null;
  /** The last error of an attempt that will be tried again; null when none is waiting. */
  retrying: string | null;
  /** The last error of a job that gave up; null unless it did. */
  failed: string | null;
}

export interface ImportProblem {
  line: number;
  /** The entry of the file the line belongs to (a statement's transaction), where the file has entries. */
  entry?: number | null;
  column?: string | null;
  reason: string;
}

export const plural = (n: number, word: string) => `${n.toLocaleString("en-GB")} ${word}${n === 1 ? "" : "s"}`;

/** Reloads the page's data every second until the import has finished (without JavaScript: the meta refresh below). */
function useReloadWhile(active: boolean) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (state === "idle") revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [active, revalidate, state]);
}

export function ImportProgress(props: {
  /** The page's own address, for the Refresh link. */
  href: string;
  /** The page's heading and links (a PageHead). */
  head: ReactNode;
  job: ImportJobState;
  /** "the statement", "the members": what the card says is being imported. */
  what: string;
  /** The status once imported ("Imported: …"); null until then or when refused. */
  imported: string | null;
  /** Every problem of a refused file (the first thousand listed, all counted); null until then or when imported. */
  problems: { total: number; errors: readonly ImportProblem[] } | null;
  /** While it runs: what "all or nothing" means here. */
  allOrNothing: string;
  /** Once refused: what to do next. */
  advice: string;
  /** The problems table's columns: a statement's have an entry and name a field; a members file's name a column. */
  entryColumn?: boolean;
  fieldHeading: string;
  /** Shown under the status once finished (links to what was imported). */
  children?: ReactNode;
}) {
  const { job, problems } = props;
  const finished = props.imported !== null || problems !== null || job.failed !== null;
  useReloadWhile(!finished);
  const status = props.imported !== null
    ? props.imported
    : problems
      ? `Nothing was imported: ${plural(problems.total, "problem")}.`
      : job.failed !== null
        ? "The import could not run, and nothing was imported. Import the file again; if it happens again, tell whoever looks after the app."
        : job.status === "queued"
          ? job.retrying !== null ? "The import stopped before it finished (nothing was kept) and will be tried again shortly." : "Waiting to start…"
          : `${job.progress}% done${job.message ? `: ${job.message}` : ""}`;
  return (
    <>
      {finished ? null : <noscript><meta httpEquiv="refresh" content="2" /></noscript>}
      {props.head}
      <section className="card stack" aria-labelledby="progress-heading">
        <h2 id="progress-heading">{finished ? "Finished" : `Importing ${props.what}`}</h2>
        <label htmlFor="import-progress">How far the import has got</label>
        <progress id="import-progress" max={100} value={job.progress} aria-describedby="import-status">{`${job.progress}%`}</progress>
        <p id="import-status" role="status" aria-live="polite">{status}</p>
        {finished ? null : (
          <p className="muted">
            {props.allOrNothing} You can leave this page; the import carries on.{" "}
            <a href={props.href}>Refresh</a>
          </p>
        )}
        {finished ? props.children : null}
      </section>
      {problems ? (
        <section className="card" role="alert" aria-labelledby="problems-heading">
          <h2 id="problems-heading">{`Nothing was imported: ${plural(problems.total, "problem")}`}</h2>
          <p>{props.advice}{problems.total > problems.errors.length ? ` The first ${problems.errors.length.toLocaleString("en-GB")} are listed.` : ""}</p>
          <TableWrap label="Problems in the file">
            <table>
              <thead>
                <tr>
                  <th scope="col" className="num">Line</th>
                  {props.entryColumn ? <th scope="col" className="num">Entry</th> : null}
                  <th scope="col">{props.fieldHeading}</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {problems.errors.map((e, i) => (
                  <tr key={i}>
                    <td className="num">{e.line}</td>
                    {props.entryColumn ? <td className="num">{e.entry ?? ""}</td> : null}
                    <td>{e.column ?? ""}</td>
                    <td>{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </section>
      ) : null}
    </>
  );
}
