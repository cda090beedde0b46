import { useFetcher } from "@remix-run/react";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";

export interface ProxyCandidate {
  id: string;
  name: string;
  number: number;
}

const CHAIR = { id: "chair", label: "The chair of the meeting" };

/**
 * Choosing who holds a proxy, by typing part of a name or a member number
 * (the ARIA combobox pattern with a listbox popup): arrow keys move through
 * the matches, Enter chooses, Escape closes. The matches come from the
 * server, at most 20, as the person types. The choice is posted as `holder`
 * ("chair" or a member's id). Shown only once JavaScript runs; the page has a
 * search-then-choose form without it.
 */
export function ProxyPicker({ searchUrl, describedBy, error }: { searchUrl: string; describedBy?: string; error?: string }) {
  const fetcher = useFetcher<{ q: string; candidates: ProxyCandidate[] }>();
  const base = useId();
  const listId = `${base}-list`;
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [chosen, setChosen] = useState<{ id: string; label: string } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const { load } = fetcher;

  useEffect(() => {
    clearTimeout(timer.current);
    const q = text.trim();
    if (!q || chosen) return;
    // A short pause so each key press does not ask the server.
    timer.current = setTimeout(() => load(`${searchUrl}?${new URLSearchParams({ q })}`), 200);
    return () => clearTimeout(timer.current);
  }, [text, chosen, searchUrl, load]);

  const found = fetcher.data && fetcher.data.q === text.trim() ? fetcher.data.candidates : [];
  const options = [CHAIR, ...found.map((c) => ({ id: c.id, label: `${c.name} (no. ${c.number})` }))];
  const searching = fetcher.state === "loading";
  const optionId = (i: number) => `${base}-opt-${i}`;

  function choose(i: number) {
    const o = options[i];
    if (!o) return;
    setChosen(o);
    setText(o.label);
    setOpen(false);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open) setOpen(true);
      else setActive((a) => Math.min(a + 1, options.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === "Enter" && open) {
      // Enter chooses the highlighted match rather than sending the form.
      e.preventDefault();
      choose(active);
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      setOpen(false);
    }
  }

  const status = !text.trim() || chosen ? "" : searching ? "Searching…" : found.length === 0 ? "No member matches; you can still choose the chair." : `${found.length} member${found.length === 1 ? "" : "s"} found${found.length === 20 ? " (the first 20: type more to narrow them)" : ""}.`;

  return (
    <div className="field combobox">
      <label htmlFor={`${base}-input`}>Who will vote for you</label>
      <p className="hint" id={`${base}-hint`}>Type part of their name or their member number, then choose from the list.</p>
      <input
        id={`${base}-input`}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && options[active] ? optionId(active) : undefined}
        aria-describedby={[`${base}-hint`, describedBy, error ? `${base}-error` : null].filter(Boolean).join(" ")}
        aria-invalid={error ? true : undefined}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setChosen(null);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onFocus={() => !chosen && setOpen(true)}
        onBlur={() => setOpen(false)}
      />
      <input type="hidden" name="holder" value={chosen?.id ?? ""} />
      <ul id={listId} role="listbox" aria-label="Members who could hold your proxy" className="combobox-list" hidden={!open}>
        {options.map((o, i) => (
          <li
            key={o.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className={i === active ? "active" : undefined}
            // Mouse down, not click: the input keeps focus, so the list does not close first.
            onMouseDown={(e) => {
              e.preventDefault();
              choose(i);
            }}
          >
            {o.label}
          </li>
        ))}
      </ul>
      <p className="muted" role="status" aria-live="polite">{status}</p>
      {chosen ? <p>Your proxy will be <strong>{chosen.label}</strong>.</p> : null}
      {error ? <p className="error" id={`${base}-error`}>{error}</p> : null}
    </div>
  );
}
