import { useEffect, useId, useRef, useState, type ReactNode } from "react";

/*
 * The submit button of an irreversible action (closing a vote, reversing a
 * repayment, posting interest...). The server refuses the action unless the
 * form carries `confirmed=yes` (the `confirmed` field of app/schemas/common).
 *
 * With JavaScript the button opens a native <dialog> saying in plain words
 * what will happen; only its "Yes, ..." button submits the form, with the
 * original button as the submitter (so its name/value still reach the
 * action). Escape or "No" closes the dialog and focus goes back to the button.
 *
 * Without JavaScript (or before the page is hydrated) the same field is a
 * checkbox, "I understand this cannot be undone", that must be ticked: the
 * browser asks for it, and the server refuses the post if it is not.
 */
export function ConfirmButton({
  question,
  yes,
  children,
  className = "danger",
  name,
  value,
  errors,
}: {
  /**
   * What will happen, naming the thing: "Reverse the repayment of £120.00 on 3 March?". A function
   * is asked when the dialog opens, for a thing chosen in the form itself (the repayment picked in a list).
   */
  question: ReactNode | ((form: HTMLFormElement) => ReactNode);
  /** The dialog's go-ahead, starting "Yes, ...": "Yes, reverse it". */
  yes: string;
  children: ReactNode;
  className?: string;
  name?: string;
  value?: string;
  /** The server's refusal when the confirmation was missing (shown beside the button). */
  errors?: string[];
}) {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const button = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const no = useRef<HTMLButtonElement>(null);
  const confirmedOnce = useRef(false);
  const id = useId();
  const [asked, setAsked] = useState<ReactNode>(typeof question === "function" ? null : question);

  const refusal = errors?.length ? <p className="error" role="alert">{errors.join(". ")}</p> : null;
  if (!hydrated) {
    return (
      <>
        {refusal}
        <label className="confirm-check">
          {/* Not `required`: the form may hold another button (Approve beside Reject) that needs no confirmation; the server refuses without it. */}
          <input type="checkbox" name="confirmed" value="yes" /> I understand this cannot be undone
        </label>
        <button type="submit" className={className} name={name} value={value}>{children}</button>
      </>
    );
  }

  const close = () => {
    dialog.current?.close();
    button.current?.focus();
  };
  return (
    <>
      {refusal}
      <input type="hidden" name="confirmed" value="yes" />
      <button
        ref={button}
        type="submit"
        className={className}
        name={name}
        value={value}
        aria-haspopup="dialog"
        onClick={(event) => {
          // The dialog's "Yes" clicks this button again with the flag set; any other click only asks.
          if (confirmedOnce.current) {
            confirmedOnce.current = false;
            return;
          }
          event.preventDefault();
          const form = event.currentTarget.form;
          if (typeof question === "function" && form) setAsked(question(form));
          else setAsked(question as ReactNode);
          dialog.current?.showModal();
          // "No" has the focus: Enter pressed out of habit must not do the irreversible thing.
          no.current?.focus();
        }}
      >
        {children}
      </button>
      <dialog
        ref={dialog}
        className="confirm-dialog"
        aria-labelledby={`${id}-q`}
        onClose={() => button.current?.focus()}
      >
        <p id={`${id}-q`}>{asked}</p>
        <div className="toolbar">
          <button
            type="button"
            className={className}
            onClick={() => {
              dialog.current?.close();
              confirmedOnce.current = true;
              button.current?.click();
            }}
          >
            {yes}
          </button>
          <button ref={no} type="button" className="secondary" onClick={close}>No, go back</button>
        </div>
      </dialog>
    </>
  );
}
