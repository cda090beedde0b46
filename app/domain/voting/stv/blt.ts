/**
 * BLT ballot files ("ballot profile" format used by OpenSTV, droop, eSTV...).
 *
 * ```
 * 9 4                  <- number of candidates, number of seats
 * -3                   <- optional: withdrawn candidates as negative numbers
 * 149 1 0              <- ballot lines: weight, preferences (candidates from 1), 0
 * 0                    <- end of ballots
 * "Nina Baker"         <- candidate names, quoted, in number order
 * "ANDERSTON-CITY"     <- election title, quoted
 * ```
 *
 * The parser is deliberately strict and line-oriented: a ballot must sit on one
 * line, so every complaint can point at the line a returning officer has to
 * fix. Inside the program candidates are 0-based indexes (candidate 1 in the
 * file is index 0); names are kept exactly as written between the quotes,
 * including runs of spaces and trailing spaces, because published results
 * spell them that way (e.g. Glasgow's `"Kieran  Wild "`).
 *
 * After the title droop allows two more quoted strings, a source and a
 * comment; they are kept as `source` and `comment`.
 *
 * Not supported (refused with a clear message rather than guessed at):
 * equal rankings (`1=2`), droop's `[option]` blocks, ballot IDs `(id)`,
 * fractional ballot weights.
 */

export interface BltBallot {
  /** How many identical ballot papers this line stands for (a whole number >= 1). */
  weight: number;
  /** Preferences in order, as 0-based candidate indexes. May be empty (a blank paper). */
  prefs: number[];
}

export interface BltElection {
  title: string;
  seats: number;
  /** Names exactly as written in the file, in candidate-number order. */
  candidates: string[];
  /** 0-based indexes of withdrawn candidates, in the order the file lists them. */
  withdrawn: number[];
  ballots: BltBallot[];
  /** Optional quoted string after the title (droop calls it the source). */
  source?: string;
  /** Optional quoted string after the source (droop's comment). */
  comment?: string;
}

/** A malformed BLT file. `line` is 1-based, as an editor shows it. */
export class BltError extends Error {
  readonly line: number;
  readonly reason: string;
  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = "BltError";
    this.line = line;
    this.reason = reason;
  }
}

type Token = { kind: "word"; text: string } | { kind: "string"; text: string };

interface Line {
  no: number;
  tokens: Token[];
}

const HASH = 35; // #
const QUOTE = 34; // "
/** Space, tab, vertical tab, form feed, no-break space (line breaks are already split off). */
const isSpace = (c: number) => c === 32 || c === 9 || c === 11 || c === 12 || c === 160;

/**
 * Split the file into lines of tokens. A token is either a quoted string
 * (kept verbatim, no escapes: BLT has none) or a run of non-space characters.
 * `#` starts a comment that runs to the end of the line, except inside quotes.
 * Lines with no tokens (blank or comment-only) are dropped.
 */
function tokenize(text: string): Line[] {
  // Strip a UTF-8 byte order mark: spreadsheets like to add one.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out: Line[] = [];
  const rawLines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < rawLines.length; i++) {
    const raw = rawLines[i];
    const tokens: Token[] = [];
    let p = 0;
    // Char-code scanning rather than regexes: a 100,000-line file should
    // parse in well under a second.
    while (p < raw.length) {
      const ch = raw.charCodeAt(p);
      if (isSpace(ch)) {
        p++;
      } else if (ch === HASH) {
        break;
      } else if (ch === QUOTE) {
        const end = raw.indexOf('"', p + 1);
        if (end < 0) throw new BltError(i + 1, "unterminated quoted string (missing closing \")");
        tokens.push({ kind: "string", text: raw.slice(p + 1, end) });
        p = end + 1;
      } else {
        let q = p + 1;
        while (q < raw.length) {
          const c = raw.charCodeAt(q);
          if (isSpace(c) || c === HASH || c === QUOTE) break;
          q++;
        }
        tokens.push({ kind: "word", text: raw.slice(p, q) });
        p = q;
      }
    }
    if (tokens.length > 0) out.push({ no: i + 1, tokens });
  }
  return out;
}

const UINT = /^\d+$/;
const NEG_INT = /^-\d+$/;

/** How a token is quoted back in an error message. */
function show(tok: Token): string {
  return `"${tok.text}"`;
}

/** Parse a whole number token, or throw a BltError naming what was expected. */
function wholeNumber(tok: Token | undefined, line: number, what: string): number {
  if (!tok) throw new BltError(line, `expected ${what}`);
  if (tok.kind !== "word" || !UINT.test(tok.text)) {
    throw new BltError(line, `expected ${what}, found ${show(tok)}`);
  }
  const n = Number(tok.text);
  if (!Number.isSafeInteger(n)) throw new BltError(line, `${what} ${tok.text} is too large`);
  return n;
}

/** Parse BLT text. Throws BltError (with a 1-based line number) if malformed. */
export function parseBlt(text: string): BltElection {
  const lines = tokenize(text);
  if (lines.length === 0) {
    throw new BltError(1, "empty file: expected the number of candidates and the number of seats");
  }
  let li = 0;

  // --- Header: "<candidates> <seats>" -------------------------------------
  const header = lines[li++];
  const nCand = wholeNumber(header.tokens[0], header.no, "the number of candidates");
  const seats = wholeNumber(header.tokens[1], header.no, "the number of seats after the number of candidates");
  if (header.tokens.length > 2) {
    throw new BltError(header.no, `unexpected ${show(header.tokens[2])} after the number of seats`);
  }
  if (nCand < 1) throw new BltError(header.no, "there must be at least one candidate");
  if (seats < 1) throw new BltError(header.no, "there must be at least one seat");
  if (seats > nCand) {
    throw new BltError(header.no, `${seats} seats but only ${nCand} candidate${nCand === 1 ? "" : "s"}`);
  }

  // --- Optional withdrawn line(s): negative candidate numbers --------------
  const withdrawn: number[] = [];
  const withdrawnSet = new Set<number>();
  while (li < lines.length) {
    const l = lines[li];
    const first = l.tokens[0];
    if (first.kind === "word" && first.text.startsWith("[")) {
      throw new BltError(l.no, `droop options such as ${first.text} are not supported`);
    }
    if (!(first.kind === "word" && NEG_INT.test(first.text))) break;
    for (const tok of l.tokens) {
      if (tok.kind !== "word" || !NEG_INT.test(tok.text)) {
        throw new BltError(l.no, `withdrawn candidates must be written as negative numbers, found ${show(tok)}`);
      }
      const c = -Number(tok.text);
      if (c < 1 || c > nCand) {
        throw new BltError(l.no, `withdrawn candidate ${c} is not a candidate (there are ${nCand})`);
      }
      if (withdrawnSet.has(c - 1)) throw new BltError(l.no, `candidate ${c} is withdrawn twice`);
      withdrawnSet.add(c - 1);
      withdrawn.push(c - 1);
    }
    li++;
  }
  if (nCand - withdrawn.length < seats) {
    throw new BltError(
      lines[li - 1].no,
      `only ${nCand - withdrawn.length} candidates remain after withdrawals, fewer than the ${seats} seats`,
    );
  }

  // --- Ballot lines, up to a line that is just "0" --------------------------
  const ballots: BltBallot[] = [];
  let ended = false;
  const seen = new Int32Array(nCand + 1); // seen[c] === ballot number + 1 when c is ranked on this ballot
  while (li < lines.length) {
    const l = lines[li++];
    const toks = l.tokens;
    const first = toks[0];
    if (first.kind === "string") {
      throw new BltError(l.no, "missing end-of-ballots line (a line with just 0) before the candidate names");
    }
    if (first.text.startsWith("(")) throw new BltError(l.no, "ballot IDs in parentheses are not supported");
    if (!UINT.test(first.text)) {
      if (/^\d*\.\d+$/.test(first.text)) {
        throw new BltError(l.no, `ballot weight must be a whole number, found ${first.text}`);
      }
      if (NEG_INT.test(first.text)) {
        throw new BltError(l.no, `withdrawn candidates (${first.text}) must come before the first ballot`);
      }
      throw new BltError(l.no, `expected a ballot weight, found ${show(first)}`);
    }
    const weight = Number(first.text);
    if (!Number.isSafeInteger(weight)) throw new BltError(l.no, `ballot weight ${first.text} is too large`);
    if (weight === 0 && toks.length === 1) {
      ended = true;
      break;
    }
    const stamp = ballots.length + 1;
    const prefs: number[] = [];
    let terminated = false;
    for (let t = 1; t < toks.length; t++) {
      const tok = toks[t];
      if (terminated) {
        throw new BltError(l.no, `unexpected ${show(tok)} after the terminating 0`);
      }
      if (tok.kind === "string") {
        throw new BltError(l.no, `unexpected quoted string ${show(tok)} in a ballot line`);
      }
      if (tok.text.includes("=")) {
        throw new BltError(l.no, `equal rankings (${tok.text}) are not supported; rank every candidate separately`);
      }
      if (!UINT.test(tok.text)) {
        throw new BltError(l.no, `expected a candidate number, found ${show(tok)}`);
      }
      const c = Number(tok.text);
      if (c === 0) {
        terminated = true;
        continue;
      }
      if (c > nCand) {
        throw new BltError(l.no, `preference ${c} is not a candidate (there are ${nCand})`);
      }
      if (seen[c] === stamp) throw new BltError(l.no, `candidate ${c} ranked twice`);
      seen[c] = stamp;
      prefs.push(c - 1);
    }
    if (!terminated) throw new BltError(l.no, "missing terminating 0 at the end of the ballot");
    if (weight === 0) {
      // "0 1 2 0" is neither a ballot nor the end marker: almost certainly a typo.
      throw new BltError(l.no, "ballot weight must be at least 1 (a line with just 0 ends the ballots)");
    }
    ballots.push({ weight, prefs });
  }
  if (!ended) {
    const lastLine = lines[lines.length - 1].no;
    throw new BltError(lastLine, "missing end-of-ballots line (a line with just 0)");
  }

  // --- Candidate names then the title, all quoted ---------------------------
  const strings: { text: string; line: number }[] = [];
  for (; li < lines.length; li++) {
    const l = lines[li];
    for (const tok of l.tokens) {
      if (tok.kind !== "string") {
        const where = strings.length < nCand ? "a quoted candidate name" : "only quoted strings after the candidate names";
        throw new BltError(l.no, `expected ${where}, found ${show(tok)}`);
      }
      strings.push({ text: tok.text, line: l.no });
    }
  }
  const lastLine = lines[lines.length - 1].no;
  if (strings.length < nCand + 1) {
    // The last quoted string is taken to be the title, so a file with one name
    // missing reads as "expected 10 candidate names, found 9".
    const names = Math.max(0, strings.length - 1);
    throw new BltError(
      lastLine,
      strings.length === 0
        ? `expected ${nCand} candidate names and a title, found none`
        : `expected ${nCand} candidate names, found ${names} (the last quoted string is taken as the title)`,
    );
  }
  if (strings.length > nCand + 3) {
    const extra = strings[nCand + 3];
    throw new BltError(
      extra.line,
      `unexpected quoted string "${extra.text}": after ${nCand} candidate names only a title, a source and a comment may follow`,
    );
  }
  const candidates = strings.slice(0, nCand).map((s) => s.text);
  const title = strings[nCand].text;
  const result: BltElection = { title, seats, candidates, withdrawn, ballots };
  if (strings.length > nCand + 1) result.source = strings[nCand + 1].text;
  if (strings.length > nCand + 2) result.comment = strings[nCand + 2].text;
  return result;
}

/**
 * Write an election as BLT text that parseBlt reads back identically.
 * Refuses names or titles containing a double quote or a line break, since
 * the format has no way to escape them.
 */
export function writeBlt(e: BltElection): string {
  const n = e.candidates.length;
  const check = (s: string, what: string) => {
    if (/["\r\n]/.test(s)) throw new RangeError(`${what} ${JSON.stringify(s)} cannot be written to BLT (contains a quote or line break)`);
  };
  e.candidates.forEach((c, i) => check(c, `candidate ${i + 1} name`));
  check(e.title, "title");
  if (e.source !== undefined) check(e.source, "source");
  if (e.comment !== undefined) check(e.comment, "comment");
  if (e.comment !== undefined && e.source === undefined) {
    throw new RangeError("a BLT comment can only be written after a source");
  }
  const out: string[] = [`${n} ${e.seats}`];
  if (e.withdrawn.length > 0) out.push(e.withdrawn.map((c) => `-${c + 1}`).join(" "));
  for (const b of e.ballots) {
    // Weight 0 would be read back as the end-of-ballots marker.
    if (!Number.isSafeInteger(b.weight) || b.weight < 1) throw new RangeError(`ballot weight ${b.weight} must be a whole number >= 1`);
    for (const p of b.prefs) {
      if (!Number.isInteger(p) || p < 0 || p >= n) throw new RangeError(`preference index ${p} is not a candidate`);
    }
    out.push(b.prefs.length ? `${b.weight} ${b.prefs.map((p) => p + 1).join(" ")} 0` : `${b.weight} 0`);
  }
  out.push("0");
  for (const c of e.candidates) out.push(`"${c}"`);
  out.push(`"${e.title}"`);
  if (e.source !== undefined) out.push(`"${e.source}"`);
  if (e.comment !== undefined) out.push(`"${e.comment}"`);
  return out.join("\n") + "\n";
}
