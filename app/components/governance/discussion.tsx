import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useFetcher } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Field, FormErrors, TextAreaField } from "~/components/forms";
import { DiscussionSchema } from "~/schemas/governance";

/*
 * The discussion on a motion or an election: comments, replies one level
 * deep, the secretary's hide-with-a-reason, and the secretary's closing time.
 * Every form posts to /motions/:id/discussion through a fetcher, so the
 * page's own action stays the ballot's; a success redirects back here.
 * Plain forms and buttons: usable by keyboard and, stacked, on a phone.
 */

export interface DiscussionComment {
  id: string;
  authorName: string;
  createdAt: string;
  body: string | null;
  hiddenReason: string | null;
}

export interface DiscussionProps {
  motionId: string;
  comments: (DiscussionComment & { replies: DiscussionComment[] })[];
  /** May write here (on the electorate, or the secretary) and voting has not closed. */
  canComment: boolean;
  closed: boolean;
  canManage: boolean;
  /** The closing time as "YYYY-MM-DDTHH:mm" on the organisation's clocks, or "". */
  closesAtLocal: string;
  timeZone: string;
  /** The organisation's locale, that times are written in. */
  locale?: string;
}

/** In the organisation's zone, named, so the server's rendering and the browser's agree. */
const when = (iso: string, timeZone: string, locale = "en-GB") =>
  new Intl.DateTimeFormat(locale, { timeZone, day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));

function CommentForm({ motionId, parentId, label, submit }: { motionId: string; parentId?: string; label: string; submit: string }) {
  const fetcher = useFetcher<SubmissionResult<string[]>>();
  const [form, fields] = useForm({
    id: `comment-${parentId ?? "new"}`,
    lastResult: fetcher.data,
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DiscussionSchema }),
  });
  const bodyId = fields.body.id;
  // A reply box opened with the keyboard takes the focus, so typing goes straight into it.
  useEffect(() => {
    if (parentId) document.getElementById(bodyId)?.focus();
  }, [parentId, bodyId]);
  return (
    <fetcher.Form method="post" action={`/motions/${motionId}/discussion`} className="stack" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="comment" />
      {parentId ? <input type="hidden" name="parentId" value={parentId} /> : null}
      <FormErrors errors={form.errors} />
      <TextAreaField meta={fields.body as never} label={label} rows={parentId ? 2 : 4} />
      <button type="submit" disabled={fetcher.state !== "idle"}>{submit}</button>
    </fetcher.Form>
  );
}

function HideForm({ motionId, commentId }: { motionId: string; commentId: string }) {
  const fetcher = useFetcher<SubmissionResult<string[]>>();
  const [form, fields] = useForm({
    id: `hide-${commentId}`,
    lastResult: fetcher.data,
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DiscussionSchema }),
  });
  return (
    <details>
      <summary>Hide this comment</summary>
      <fetcher.Form method="post" action={`/motions/${motionId}/discussion`} className="stack" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="hide" />
        <input type="hidden" name="commentId" value={commentId} />
        <FormErrors errors={form.errors} />
        <Field meta={fields.reason as never} label="Why it is hidden (members see this in its place)" />
        <button type="submit" className="secondary" disabled={fetcher.state !== "idle"}>Hide the comment</button>
      </fetcher.Form>
    </details>
  );
}

function ClosingTimeForm({ motionId, closesAtLocal, timeZone }: { motionId: string; closesAtLocal: string; timeZone: string }) {
  const fetcher = useFetcher<SubmissionResult<string[]>>();
  const [form, fields] = useForm({
    id: "closing-time",
    lastResult: fetcher.data,
    defaultValue: { closesAt: closesAtLocal },
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DiscussionSchema }),
  });
  const input = getInputProps(fields.closesAt as never, { type: "datetime-local" as "text", ariaAttributes: true });
  return (
    <fetcher.Form method="post" action={`/motions/${motionId}/discussion`} className="stack" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="closing-time" />
      <FormErrors errors={form.errors} />
      <div className="field">
        <label htmlFor={fields.closesAt.id}>Voting is due to close at ({timeZone})</label>
        <p className="hint" id={`${fields.closesAt.id}-hint`}>Members who have not voted are emailed one reminder before then. Leave empty for no closing time.</p>
        <input {...input} key={input.key} type="datetime-local" aria-describedby={`${fields.closesAt.id}-hint`} />
        {fields.closesAt.errors?.length ? <p className="error" role="alert">{fields.closesAt.errors.join(". ")}</p> : null}
      </div>
      <button type="submit" className="secondary" disabled={fetcher.state !== "idle"}>Save the closing time</button>
    </fetcher.Form>
  );
}

function Comment({ c, motionId, canManage, timeZone, locale }: { c: DiscussionComment; motionId: string; canManage: boolean; timeZone: string; locale?: string }) {
  return (
    <article className="comment" aria-label={`Comment by ${c.authorName}`}>
      <p className="muted"><strong>{c.authorName}</strong> · <time dateTime={c.createdAt}>{when(c.createdAt, timeZone, locale)}</time></p>
      {c.body === null ? <p className="muted"><em>{`Hidden by the secretary: ${c.hiddenReason ?? ""}`}</em></p> : <p className="comment-body">{c.body}</p>}
      {canManage && c.body !== null ? <HideForm motionId={motionId} commentId={c.id} /> : null}
    </article>
  );
}

export function Discussion({ motionId, comments, canComment, closed, canManage, closesAtLocal, timeZone, locale }: DiscussionProps) {
  const [replyingTo, setReplyingTo] = useState<string | null>(null);
  // After a post the page reloads its data: a new count remounts the forms empty and closes the reply box.
  const total = comments.reduce((n, c) => n + 1 + c.replies.length, 0);
  useEffect(() => setReplyingTo(null), [total]);
  return (
    <section className="card stack" id="discussion" aria-labelledby="discussion-heading">
      <h2 id="discussion-heading">Discussion</h2>
      {canManage && !closed ? <ClosingTimeForm motionId={motionId} closesAtLocal={closesAtLocal} timeZone={timeZone} /> : null}
      {comments.length === 0 ? <p className="muted">No comments yet.</p> : null}
      <ol className="stack discussion-thread">
        {comments.map((c) => (
          <li key={c.id} className="stack">
            <Comment c={c} motionId={motionId} canManage={canManage} timeZone={timeZone} locale={locale} />
            {c.replies.length ? (
              <ol className="stack discussion-replies" aria-label={`Replies to ${c.authorName}`}>
                {c.replies.map((r) => (
                  <li key={r.id}><Comment c={r} motionId={motionId} canManage={canManage} timeZone={timeZone} locale={locale} /></li>
                ))}
              </ol>
            ) : null}
            {canComment ? (
              replyingTo === c.id ? (
                <CommentForm motionId={motionId} parentId={c.id} label={`Your reply to ${c.authorName}`} submit="Post the reply" />
              ) : (
                <p><button type="button" className="secondary" onClick={() => setReplyingTo(c.id)}>Reply</button></p>
              )
            ) : null}
          </li>
        ))}
      </ol>
      {closed ? <p className="alert info">Voting has closed, so the discussion is closed too.</p> : null}
      {canComment ? <CommentForm key={`new-${total}`} motionId={motionId} label="Your comment" submit="Post the comment" /> : !closed ? <p className="muted">Members eligible to vote on this can comment here.</p> : null}
    </section>
  );
}
