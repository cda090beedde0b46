import { useRef, useState } from "react";

/**
 * A ranked ballot that works with a keyboard (Move up / Move down / Remove /
 * Add buttons; after each, focus goes to a button that is still there and
 * enabled: the moved candidate's, the next candidate to rank, the next Remove),
 * by dragging, and on a phone. The order is submitted as repeated `ranking` fields: candidate
 * numbers, first preference first.
 */
export function RankedBallot({
  candidates,
  mode = "rank",
  error,
}: {
  candidates: { position: number; label: string; statement?: string }[];
  mode?: "rank" | "single" | "approve";
  error?: string[];
}) {
  const [ranked, setRanked] = useState<number[]>([]);
  const [dragging, setDragging] = useState<number | null>(null);
  const [announce, setAnnounce] = useState("");
  const listRef = useRef<HTMLOListElement>(null);
  const label = (p: number) => candidates.find((c) => c.position === p)?.label ?? String(p);

  const unranked = candidates.filter((c) => !ranked.includes(c.position));
  const focusButton = (selector: string) => requestAnimationFrame(() => listRef.current?.parentElement?.querySelector<HTMLButtonElement>(selector)?.focus());
  const move = (from: number, to: number) => {
    if (to < 0 || to >= ranked.length) return;
    const next = [...ranked];
    const [p] = next.splice(from, 1);
    next.splice(to, 0, p);
    setRanked(next);
    setAnnounce(`${label(p)} is now preference ${to + 1}.`);
    // Keep focus on the moved candidate's button in the same direction, unless that is now disabled (moved to
    // the top or the bottom): then its other move button, since a disabled button drops focus to the page.
    const dir = to < from ? (to === 0 ? "down" : "up") : to === next.length - 1 ? "up" : "down";
    focusButton(next.length > 1 ? `[data-rank="${p}"][data-dir="${dir}"]` : `[data-remove="${p}"]`);
  };
  const add = (p: number) => {
    const next = mode === "single" ? [p] : [...ranked, p];
    // The pressed button goes with its candidate: focus the next candidate still to rank (the one that takes its
    // place, or the one before it), or, when none is left, the added candidate's Remove button.
    const left = candidates.filter((c) => !next.includes(c.position));
    const at = unranked.findIndex((c) => c.position === p);
    const after = left[Math.min(at, left.length - 1)];
    setRanked(next);
    setAnnounce(mode === "rank" ? `${label(p)} added as preference ${next.length}.` : `${label(p)} chosen.`);
    focusButton(after ? `[data-add="${after.position}"]` : `[data-remove="${p}"]`);
  };
  const remove = (p: number) => {
    const next = ranked.filter((x) => x !== p);
    // Focus the Remove button now in its place (or the one before it); with nobody left, its Rank next button.
    const at = ranked.indexOf(p);
    const stays = next[Math.min(at, next.length - 1)];
    setRanked(next);
    setAnnounce(`${label(p)} removed.`);
    focusButton(stays !== undefined ? `[data-remove="${stays}"]` : `[data-add="${p}"]`);
  };
  const what = mode === "rank" ? "Your ranking" : mode === "single" ? "Your choice" : "You approve";

  return (
    <div className="ranked-ballot">
      {ranked.map((p) => <input key={p} type="hidden" name="ranking" value={p} />)}
      <h3 id="ranked-heading">{what}</h3>
      {ranked.length === 0 ? <p className="muted">{mode === "rank" ? "Nobody ranked yet: add candidates below in the order you prefer them." : "Nothing chosen yet."}</p> : null}
      <ol ref={listRef} aria-labelledby="ranked-heading" className="ranked-list">
        {ranked.map((p, i) => (
          <li
            key={p}
            draggable={mode === "rank"}
            onDragStart={() => setDragging(i)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              if (dragging !== null && dragging !== i) move(dragging, i);
              setDragging(null);
            }}
            className={dragging === i ? "dragging" : undefined}
          >
            <span className="rank-label">{mode === "rank" ? <strong>{i + 1}.</strong> : null} {label(p)}</span>
            <span className="rank-actions">
              {mode === "rank" ? (
                <>
                  <button type="button" className="secondary" data-rank={p} data-dir="up" onClick={() => move(i, i - 1)} disabled={i === 0} aria-label={`Move ${label(p)} up`}>Up</button>
                  <button type="button" className="secondary" data-rank={p} data-dir="down" onClick={() => move(i, i + 1)} disabled={i === ranked.length - 1} aria-label={`Move ${label(p)} down`}>Down</button>
                </>
              ) : null}
              <button type="button" className="secondary" data-remove={p} onClick={() => remove(p)} aria-label={`Remove ${label(p)}`}>Remove</button>
            </span>
          </li>
        ))}
      </ol>
      <h3 id="unranked-heading">{mode === "rank" ? "Not ranked" : "Options"}</h3>
      <ul aria-labelledby="unranked-heading" className="ranked-list">
        {unranked.map((c) => (
          <li key={c.position}>
            <span className="rank-label">{c.label}{c.statement ? <span className="muted"> — {c.statement}</span> : null}</span>
            <span className="rank-actions">
              <button type="button" className="secondary" data-add={c.position} onClick={() => add(c.position)} aria-label={`${mode === "rank" ? "Rank next:" : "Choose"} ${c.label}`}>
                {mode === "rank" ? "Rank next" : "Choose"}
              </button>
            </span>
          </li>
        ))}
      </ul>
      <p className="visually-hidden" aria-live="polite">{announce}</p>
      {error?.length ? <p className="error" role="alert" id="ranking-error">{error.join(". ")}</p> : null}
    </div>
  );
}
