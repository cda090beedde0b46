/**
 * BLT ballot files ("ballot profile" format), as OpaVote, OpenSTV, droop,
 * Wichmann's program, Electoral Reform Services and Loomio write them.
 *
 * ```
 * 9 4                  <- number of candidates, number of seats
 * [nick a b c ...]     <- optional droop options: [nick], [tie], [droop], [withdrawn]
 * -3                   <- optional: withdrawn candidates as negative numbers
 * 149 1 0              <- ballot lines: weight, preferences (candidates from 1), 0
 * (b17) 2 1 0          <- a ballot id in parentheses instead of a weight (weight 1)
 * 3 2=4 - 1            <- "=" equal rankings, "-" a skipped ranking, no final 0
 * 0                    <- end of ballots
 * "Nina Baker" "Green" <- candidate names, quoted, in number order; further
 * ...                     quoted fields on a name's own line: its affiliation
 * "ANDERSTON-CITY"     <- election title, quoted
 * "source" "comment"   <- optional (droop, Wichmann)
 * ```
 *
 * `#` starts a comment to the end of the line and `/* ... *\/` a comment
 * that may span lines (neither inside quotes). A byte-order mark and any
 * line ending are accepted.
 *
 * Ballots are read a line at a time, so every complaint points at the line
 * a returning officer has to fix, and a ballot line may leave out its
 * terminating 0. Inside the program candidates are 0-based indexes
 * (candidate 1 in the file is index 0). Names are kept exactly as written
 * between the quotes, including runs of spaces and trailing spaces, because
 * published results spell them that way (e.g. Glasgow's `"Kieran  Wild "`).
 *
 * A skipped ranking (`-`) is dropped: the later rankings move up, as OpenSTV
 * and OpaVote count them. Equal rankings are kept (`ranks`); whether they can
 * be counted is the counting rule's business (`refuseEqualRankings`).
 */

export interface BltBallot {
  /** How many identical ballot papers this line stands for (a whole number >= 1). */
  weight: number;
  /** Preferences in order, as 0-based candidate indexes. May be empty (a blank paper). Empty when `ranks` is set. */
  prefs: number[];
  /** Only on a ballot with an equal ranking: each rank's candidates (0-based). */
  ranks?: number[][];
  /** A ballot id written as `(id)` in place of the weight. */
  id?: string;
  /** Only on a ballot with an equal ranking: the file's line, for the refusal. */
  line?: number;
}

export interface BltOptions {
  /** `[nick ...]`: a short name per candidate, usable in ballot lines. */
  nick?: string[];
  /** `[tie ...]`: the tie-break order of the candidates (0-based), as given. */
  tie?: number[];
  /** `[droop ...]`: options for droop's counter, kept as written. */
  droop?: string[];
}

export interface BltElection {
  title: string;
  seats: number;
  /** Names exactly as written in the file, in candidate-number order. */
  candidates: string[];
  /** Party or affiliation per candidate (the quoted fields after a name on its line); absent when none has one. */
  affiliations?: (string | null)[];
  /** 0-based indexes of withdrawn candidates, in the order the file lists them. */
  withdrawn: number[];
  ballots: BltBallot[];
  /** Optional quoted string after the title (droop calls it the source). */
  source?: string;
  /** Optional quoted string after the source (droop's comment). */
  comment?: string;
  /** droop's bracketed options, when the file has any. */
  options?: BltOptions;
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
const SLASH = 47; // /
const STAR = 42; // *
/** Space, tab, vertical tab, form feed, no-break space (line breaks are already split off). */
const isSpace = (c: number) => c === 32 || c === 9 || c === 11 || c === 12 || c === 160;

/**
 * Split the file into lines of tokens. A token is either a quoted string
 * (kept verbatim, no escapes: BLT has none) or a run of non-space characters.
 * Comments are dropped; lines with no tokens (blank or comment-only) too.
 */
function tokenize(text: string): Line[] {
  // Strip a UTF-8 byte order mark: spreadsheets like to add one.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out: Line[] = [];
  const rawLines = text.split(/\r\n|\r|\n/);
  let commentFrom = 0; // line where an open /* comment began, 0 when none is open
  for (let i = 0; i < rawLines.length; i++) {
    const raw = rawLines[i];
    const tokens: Token[] = [];
    let p = 0;
    // Char-code scanning rather than regexes: a 100,000-line file should
    // parse in well under a second.
    while (p < raw.length) {
      if (commentFrom) {
        const end = raw.indexOf("*/", p);
        if (end < 0) break;
        commentFrom = 0;
        p = end + 2;
        continue;
      }
      const ch = raw.charCodeAt(p);
      if (isSpace(ch)) {
        p++;
      } else if (ch === HASH) {
        break;
      } else if (ch === SLASH && raw.charCodeAt(p + 1) === STAR) {
        commentFrom = i + 1;
        p += 2;
      } else if (ch === QUOTE) {
        const end = raw.indexOf('"', p + 1);
        if (end < 0) throw new BltError(i + 1, "unterminated quoted string (missing closing \")");
        tokens.push({ kind: "string", text: raw.slice(p + 1, end) });
        p = end + 1;
      } else {
        let q = p + 1;
        while (q < raw.length) {
          const c = raw.charCodeAt(q);
          if (isSpace(c) || c === HASH || c === QUOTE || (c === SLASH && raw.charCodeAt(q + 1) === STAR)) break;
          q++;
        }
        tokens.push({ kind: "word", text: raw.slice(p, q) });
        p = q;
      }
    }
    if (tokens.length > 0) out.push({ no: i + 1, tokens });
  }
  if (commentFrom) throw new BltError(commentFrom, "unterminated comment (/* without */)");
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

const OPTION_NAMES = ["nick", "tie", "droop", "withdrawn"] as const;

/**
 * Read a bracketed option starting at `lines[li]` (token `ti`), which may run
 * over several lines up to its `]`. Returns its name, words, and where the
 * reading stopped.
 */
function readOption(lines: Line[], li: number, ti: number): { name: string; words: string[]; line: number; li: number; ti: number } {
  const startLine = lines[li].no;
  const words: string[] = [];
  let name = "";
  let first = true;
  for (; li < lines.length; li++, ti = 0) {
    const toks = lines[li].tokens;
    for (; ti < toks.length; ti++) {
      const tok = toks[ti];
      // Candidate names have begun: the option was never closed.
      if (tok.kind === "string") throw new BltError(startLine, `the [${name}] option is not closed with ]`);
      let text = tok.text;
      if (first) {
        text = text.slice(1);
        first = false;
        const closes = text.endsWith("]");
        name = closes ? text.slice(0, -1) : text;
        if (!(OPTION_NAMES as readonly string[]).includes(name)) {
          throw new BltError(lines[li].no, `unknown option [${name}]: expected [nick ...], [tie ...], [droop ...] or [withdrawn ...]`);
        }
        if (closes) return { name, words, line: startLine, li, ti: ti + 1 };
        continue;
      }
      const closes = text.endsWith("]");
      if (closes) text = text.slice(0, -1);
      if (text) words.push(text);
      if (closes) return { name, words, line: startLine, li, ti: ti + 1 };
    }
  }
  throw new BltError(startLine, `the [${name}] option is not closed with ]`);
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

  // --- Options and withdrawn candidates, before the first ballot ------------
  const withdrawn: number[] = [];
  const withdrawnSet = new Set<number>();
  const options: BltOptions = {};
  let nickIndex: Map<string, number> | null = null;
  const candidateOf = (word: string, line: number, what: string) => {
    if (UINT.test(word)) {
      const c = Number(word);
      if (c < 1 || c > nCand) throw new BltError(line, `${what} ${word} is not a candidate (there are ${nCand})`);
      return c - 1;
    }
    const c = nickIndex?.get(word);
    if (c === undefined) {
      throw new BltError(line, nickIndex ? `${what} "${word}" is neither a candidate number nor a nickname from [nick]` : `expected a candidate number for ${what}, found "${word}"`);
    }
    return c;
  };
  const withdraw = (c: number, line: number) => {
    if (withdrawnSet.has(c)) throw new BltError(line, `candidate ${c + 1} is withdrawn twice`);
    withdrawnSet.add(c);
    withdrawn.push(c);
  };
  let lastPreamble = header.no;
  while (li < lines.length) {
    const l = lines[li];
    const first = l.tokens[0];
    if (first.kind === "word" && first.text.startsWith("[")) {
      let ti = 0;
      let at = li;
      // Several options may share a line.
      while (at === li && ti < lines[li].tokens.length) {
        const opt = readOption(lines, li, ti);
        if (opt.name === "nick") {
          if (opt.words.length !== nCand) throw new BltError(opt.line, `[nick] must give exactly one nickname for each of the ${nCand} candidates, found ${opt.words.length}`);
          if (new Set(opt.words).size !== nCand) throw new BltError(opt.line, "[nick] gives the same nickname twice");
          options.nick = opt.words;
          nickIndex = new Map(opt.words.map((w, i) => [w, i]));
        } else if (opt.name === "tie") {
          const order = opt.words.map((w) => candidateOf(w, opt.line, "[tie] candidate"));
          if (order.length !== nCand || new Set(order).size !== nCand) throw new BltError(opt.line, `[tie] must list each of the ${nCand} candidates exactly once`);
          options.tie = order;
        } else if (opt.name === "droop") {
          options.droop = [...(options.droop ?? []), ...opt.words];
        } else {
          for (const w of opt.words) withdraw(candidateOf(w, opt.line, "withdrawn candidate"), opt.line);
        }
        at = opt.li;
        ti = opt.ti;
        lastPreamble = lines[opt.li].no;
        if (at !== li) break;
        const next = lines[li].tokens[ti];
        if (next && !(next.kind === "word" && next.text.startsWith("["))) {
          throw new BltError(lines[li].no, `unexpected ${show(next)} after the option (put ballots on their own lines)`);
        }
      }
      li = at + 1;
      continue;
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
      withdraw(c - 1, l.no);
    }
    lastPreamble = l.no;
    li++;
  }
  if (nCand - withdrawn.length < seats) {
    throw new BltError(lastPreamble, `only ${nCand - withdrawn.length} candidates remain after withdrawals, fewer than the ${seats} seats`);
  }

  // --- Ballot lines, up to a line that is just "0" --------------------------
  const ballots: BltBallot[] = [];
  const ids = new Set<string>();
  let ended = false;
  const seen = new Int32Array(nCand + 1); // seen[c] === ballot number + 1 when c is ranked on this ballot
  while (li < lines.length) {
    const l = lines[li++];
    const toks = l.tokens;
    const first = toks[0];
    if (first.kind === "string") {
      throw new BltError(l.no, "missing end-of-ballots line (a line with just 0) before the candidate names");
    }
    let weight = 1;
    let id: string | undefined;
    let t = 1;
    if (first.text.startsWith("(")) {
      // droop: a ballot id stands in place of the weight; it may contain spaces.
      let text = first.text;
      while (!text.endsWith(")")) {
        const more = toks[t++];
        if (!more) throw new BltError(l.no, `ballot id ${first.text} is not closed with )`);
        text += " " + more.text;
      }
      id = text.slice(1, -1).trim();
      if (ids.has(id)) throw new BltError(l.no, `ballot id (${id}) is used twice`);
      ids.add(id);
    } else if (!UINT.test(first.text)) {
      if (/^\d*\.\d+$/.test(first.text)) {
        throw new BltError(l.no, `ballot weight must be a whole number, found ${first.text}`);
      }
      if (NEG_INT.test(first.text)) {
        throw new BltError(l.no, `withdrawn candidates (${first.text}) must come before the first ballot`);
      }
      if (first.text.startsWith("[")) throw new BltError(l.no, `options such as ${first.text} must come before the first ballot`);
      throw new BltError(l.no, `expected a ballot weight, found ${show(first)}`);
    } else {
      weight = Number(first.text);
      if (!Number.isSafeInteger(weight)) throw new BltError(l.no, `ballot weight ${first.text} is too large`);
      if (weight === 0 && toks.length === 1) {
        ended = true;
        break;
      }
    }
    const stamp = ballots.length + 1;
    const ranks: number[][] = [];
    let equal = false;
    let terminated = false;
    for (; t < toks.length; t++) {
      const tok = toks[t];
      if (terminated) {
        throw new BltError(l.no, `unexpected ${show(tok)} after the terminating 0`);
      }
      if (tok.kind === "string") {
        throw new BltError(l.no, `unexpected quoted string ${show(tok)} in a ballot line`);
      }
      if (tok.text === "0") {
        terminated = true;
        continue;
      }
      if (tok.text === "-") continue; // a skipped ranking: the later ones move up
      const group = tok.text.split("=");
      if (group.some((g) => g === "")) throw new BltError(l.no, `expected candidates on both sides of "=", found ${show(tok)}`);
      const rank: number[] = [];
      for (const g of group) {
        const c = candidateOf(g, l.no, "preference");
        if (seen[c + 1] === stamp) throw new BltError(l.no, `candidate ${c + 1} ranked twice`);
        seen[c + 1] = stamp;
        rank.push(c);
      }
      if (rank.length > 1) equal = true;
      ranks.push(rank);
    }
    if (weight === 0) {
      // "0 1 2 0" is neither a ballot nor the end marker: almost certainly a typo.
      throw new BltError(l.no, "ballot weight must be at least 1 (a line with just 0 ends the ballots)");
    }
    const ballot: BltBallot = equal ? { weight, prefs: [], ranks, line: l.no } : { weight, prefs: ranks.map((r) => r[0]) };
    if (id !== undefined) ballot.id = id;
    ballots.push(ballot);
  }
  if (!ended) {
    const lastLine = lines[lines.length - 1].no;
    throw new BltError(lastLine, "missing end-of-ballots line (a line with just 0)");
  }

  // --- Candidate names then the title, all quoted ---------------------------
  const stringLines: { strings: string[]; line: number }[] = [];
  for (; li < lines.length; li++) {
    const l = lines[li];
    const strings: string[] = [];
    for (const tok of l.tokens) {
      if (tok.kind !== "string") {
        const before = stringLines.reduce((s, x) => s + x.strings.length, 0) + strings.length;
        const where = before < nCand ? "a quoted candidate name" : "only quoted strings after the candidate names";
        throw new BltError(l.no, `expected ${where}, found ${show(tok)}`);
      }
      strings.push(tok.text);
    }
    stringLines.push({ strings, line: l.no });
  }
  // One name per line (what the counting programs write): any further quoted
  // fields on a name's line are its party or affiliation. Otherwise the
  // strings are read in order, names first, as the original format has it.
  const perLine = stringLines.length > nCand && stringLines.slice(0, nCand).some((x) => x.strings.length > 1);
  let candidates: string[];
  let affiliations: (string | null)[] | undefined;
  let rest: { text: string; line: number }[];
  if (perLine) {
    candidates = stringLines.slice(0, nCand).map((x) => x.strings[0]);
    affiliations = stringLines.slice(0, nCand).map((x) => (x.strings.length > 1 ? x.strings.slice(1).join(", ") : null));
    rest = stringLines.slice(nCand).flatMap((x) => x.strings.map((text) => ({ text, line: x.line })));
  } else {
    const flat = stringLines.flatMap((x) => x.strings.map((text) => ({ text, line: x.line })));
    const lastLine = lines[lines.length - 1].no;
    if (flat.length < nCand + 1) {
      // The last quoted string is taken to be the title, so a file with one name
      // missing reads as "expected 10 candidate names, found 9".
      const names = Math.max(0, flat.length - 1);
      throw new BltError(
        lastLine,
        flat.length === 0
          ? `expected ${nCand} candidate names and a title, found none`
          : `expected ${nCand} candidate names, found ${names} (the last quoted string is taken as the title)`,
      );
    }
    candidates = flat.slice(0, nCand).map((s) => s.text);
    rest = flat.slice(nCand);
  }
  if (rest.length > 3) {
    const extra = rest[3];
    throw new BltError(extra.line, `unexpected quoted string "${extra.text}": after ${nCand} candidate names only a title, a source and a comment may follow`);
  }
  const result: BltElection = { title: rest[0].text, seats, candidates, withdrawn, ballots };
  if (affiliations) result.affiliations = affiliations;
  if (rest.length > 1) result.source = rest[1].text;
  if (rest.length > 2) result.comment = rest[2].text;
  if (options.nick || options.tie || options.droop) result.options = options;
  return result;
}

/**
 * Refuse an election with equal rankings, naming the first such line: the
 * counting rules here (Scottish STV, Meek) take one candidate per preference.
 */
export function refuseEqualRankings(e: BltElection, rule: string): void {
  const b = e.ballots.find((x) => x.ranks);
  if (b) {
    const shown = b.ranks!.map((r) => r.map((c) => c + 1).join("=")).join(" ");
    throw new BltError(b.line ?? 0, `equal rankings (${shown}) cannot be counted under ${rule}: each preference must name one candidate`);
  }
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
  e.affiliations?.forEach((a, i) => a !== null && check(a, `candidate ${i + 1} affiliation`));
  check(e.title, "title");
  if (e.source !== undefined) check(e.source, "source");
  if (e.comment !== undefined) check(e.comment, "comment");
  if (e.comment !== undefined && e.source === undefined) {
    throw new RangeError("a BLT comment can only be written after a source");
  }
  const word = (w: string, what: string) => {
    if (!/^[^\s"#[\]=()]+$/.test(w) || w === "-" || w === "0" || w.includes("/*")) throw new RangeError(`${what} ${JSON.stringify(w)} cannot be written to BLT`);
    return w;
  };
  const out: string[] = [`${n} ${e.seats}`];
  if (e.options?.nick) out.push(`[nick ${e.options.nick.map((w) => word(w, "nickname")).join(" ")}]`);
  if (e.options?.tie) out.push(`[tie ${e.options.tie.map((c) => c + 1).join(" ")}]`);
  if (e.options?.droop) out.push(`[droop ${e.options.droop.map((w) => word(w, "droop option")).join(" ")}]`);
  if (e.withdrawn.length > 0) out.push(e.withdrawn.map((c) => `-${c + 1}`).join(" "));
  for (const b of e.ballots) {
    // Weight 0 would be read back as the end-of-ballots marker.
    if (!Number.isSafeInteger(b.weight) || b.weight < 1) throw new RangeError(`ballot weight ${b.weight} must be a whole number >= 1`);
    if (b.id !== undefined && (b.weight !== 1 || !/^[^\s()"#]+$/.test(b.id))) throw new RangeError(`ballot id ${JSON.stringify(b.id)} cannot be written to BLT (ids stand for one paper, without spaces)`);
    const ranks = b.ranks ?? b.prefs.map((p) => [p]);
    for (const p of ranks.flat()) {
      if (!Number.isInteger(p) || p < 0 || p >= n) throw new RangeError(`preference index ${p} is not a candidate`);
    }
    const head = b.id !== undefined ? `(${b.id})` : String(b.weight);
    out.push(ranks.length ? `${head} ${ranks.map((r) => r.map((c) => c + 1).join("=")).join(" ")} 0` : `${head} 0`);
  }
  out.push("0");
  e.candidates.forEach((c, i) => {
    const a = e.affiliations?.[i];
    out.push(a ? `"${c}" "${a}"` : `"${c}"`);
  });
  out.push(`"${e.title}"`);
  if (e.source !== undefined) out.push(`"${e.source}"`);
  if (e.comment !== undefined) out.push(`"${e.comment}"`);
  return out.join("\n") + "\n";
}
