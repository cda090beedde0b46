/**
 * UK postcodes: normalise, validate, take apart, and decide whether an
 * address is inside the society's "local area".
 *
 * A postcode is outward code + inward code: "PR1 2AB" = "PR1" + "2AB".
 *   area     "PR"      (the letters at the start)
 *   district "PR1"     (the whole outward code)
 *   sector   "PR1 2"   (district + first digit of the inward code)
 *
 * Validation follows the Royal Mail format rules (which letters may appear in
 * which position) and the list of postcode areas, so "AA1 1AA" is refused even
 * though it has the right shape. It does not check that a postcode has been
 * issued: that needs the Postcode Address File, which is I/O.
 */

export type PostcodeKind = "geographic" | "giro" | "bfpo";

export interface Postcode {
  /** Normalised form: upper case, one space before the inward code ("PR1 2AB", "BFPO 1234"). */
  postcode: string;
  kind: PostcodeKind;
  outward: string;
  inward: string;
  /** Null for BFPO numbers, which have no place on the map. */
  area: string | null;
  district: string | null;
  sector: string | null;
}

export type PostcodeResult = { ok: true; value: Postcode } | { ok: false; reason: string };

export interface PostcodeOptions {
  /** British Forces Post Office numbers ("BFPO 1234") are refused unless allowed. */
  allowBfpo?: boolean;
}

/**
 * Every UK postcode area, plus the Crown Dependencies (GY, JE, IM) which share
 * the system, and BX (non-geographic, used by government departments).
 */
export const POSTCODE_AREAS: ReadonlySet<string> = new Set(
  (
    "AB AL B BA BB BD BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY " +
    "E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY " +
    "L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR " +
    "RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW " +
    "UB W WA WC WD WF WN WR WS WV YO ZE"
  ).split(" "),
);

// Letter rules: 1st letter not Q V X; 2nd letter not I J Z; a letter after a
// one-letter district only ABCDEFGHJKPSTUW; after a two-letter one only
// ABEHMNPRVWXY; the inward code never uses C I K M O V.
const OUTWARD = /^[A-PR-UWYZ](?:[0-9]{1,2}|[0-9][ABCDEFGHJKPSTUW]|[A-HK-Y][0-9]{1,2}|[A-HK-Y][0-9][ABEHMNPRVWXY])$/;
const INWARD = /^[0-9][ABD-HJLNP-UW-Z]{2}$/;
const BFPO = /^BFPO ?([0-9]{1,4})$/;
const AREA_OF = /^[A-Z]+/;

/** Parse and normalise a postcode, or say in plain words why it is not one. */
export function parsePostcode(text: string, options: PostcodeOptions = {}): PostcodeResult {
  const compact = text.replace(/\s+/g, "").toUpperCase();
  if (compact === "") return { ok: false, reason: "postcode is missing" };
  const shown = text.trim();

  const bfpo = BFPO.exec(compact);
  if (bfpo) {
    if (!options.allowBfpo) return { ok: false, reason: `BFPO numbers are not accepted here ("${shown}")` };
    const inward = String(Number(bfpo[1]));
    return {
      ok: true,
      value: { postcode: `BFPO ${inward}`, kind: "bfpo", outward: "BFPO", inward, area: null, district: null, sector: null },
    };
  }

  if (compact === "GIR0AA") {
    // Girobank's historic postcode, still valid and outside the normal rules.
    return {
      ok: true,
      value: { postcode: "GIR 0AA", kind: "giro", outward: "GIR", inward: "0AA", area: "GIR", district: "GIR", sector: "GIR 0" },
    };
  }

  if (compact.length < 5 || compact.length > 7) {
    if (OUTWARD.test(compact)) return { ok: false, reason: `"${shown}" is only the first half of a postcode` };
    return { ok: false, reason: `"${shown}" is not a UK postcode` };
  }
  const outward = compact.slice(0, -3);
  const inward = compact.slice(-3);
  if (!OUTWARD.test(outward) || !INWARD.test(inward)) return { ok: false, reason: `"${shown}" is not a UK postcode` };
  const area = AREA_OF.exec(outward)![0];
  if (!POSTCODE_AREAS.has(area)) {
    return { ok: false, reason: `"${shown}" is not a UK postcode: there is no ${area} postcode area` };
  }
  return {
    ok: true,
    value: {
      postcode: `${outward} ${inward}`,
      kind: "geographic",
      outward,
      inward,
      area,
      district: outward,
      sector: `${outward} ${inward[0]}`,
    },
  };
}

/** "pr1 2ab" -> "PR1 2AB"; null if it is not a valid postcode. */
export function normalisePostcode(text: string, options: PostcodeOptions = {}): string | null {
  const r = parsePostcode(text, options);
  return r.ok ? r.value.postcode : null;
}

export function isValidPostcode(text: string, options: PostcodeOptions = {}): boolean {
  return parsePostcode(text, options).ok;
}

/** Outward code, which is also the postcode district: "PR1 2AB" -> "PR1". Null if invalid or BFPO. */
export function postcodeDistrict(text: string): string | null {
  const r = parsePostcode(text);
  return r.ok ? r.value.district : null;
}

/** Same as postcodeDistrict: the outward code names the district. */
export const outwardCode = postcodeDistrict;

/** "PR1 2AB" -> "PR1 2". Null if invalid or BFPO. */
export function postcodeSector(text: string): string | null {
  const r = parsePostcode(text);
  return r.ok ? r.value.sector : null;
}

/** "PR1 2AB" -> "PR". Null if invalid or BFPO. */
export function postcodeArea(text: string): string | null {
  const r = parsePostcode(text);
  return r.ok ? r.value.area : null;
}

// ---------------------------------------------------------------------------
// Local area
// ---------------------------------------------------------------------------

export type LocalAreaEntryKind = "area" | "district" | "sector" | "postcode";

export interface LocalAreaEntry {
  kind: LocalAreaEntryKind;
  /** Normalised: "PR", "PR1", "PR1 2", "PR1 2AB". */
  code: string;
}

export interface LocalAreaError {
  entry: string;
  reason: string;
}

const SECTOR = /^(\S+) ([0-9])$/;
const RANGE = /^([A-Z]{1,2})([0-9]+)\s*[-–]\s*([A-Z]{1,2})?([0-9]+)$/;

/**
 * Read one local-area entry. Ranges ("PR1-PR5", "PR1-5") expand to the
 * districts they cover, so one entry may give several.
 */
export function parseLocalAreaEntry(raw: string): { ok: true; entries: LocalAreaEntry[] } | { ok: false; reason: string } {
  const text = raw.trim().replace(/\s+/g, " ").toUpperCase();
  if (text === "") return { ok: false, reason: "empty entry" };

  const range = RANGE.exec(text);
  if (range) {
    const [, area, fromText, toArea, toText] = range;
    if (toArea && toArea !== area) {
      return { ok: false, reason: `a range must stay within one postcode area ("${raw.trim()}" goes from ${area} to ${toArea})` };
    }
    if (!POSTCODE_AREAS.has(area)) return { ok: false, reason: `there is no ${area} postcode area` };
    const from = Number(fromText);
    const to = Number(toText);
    if (from > to) return { ok: false, reason: `range "${raw.trim()}" runs backwards` };
    // District numbers never go above 99; this also stops "PR1-PR9999" expanding to thousands.
    if (to > 99) return { ok: false, reason: `range "${raw.trim()}" goes beyond district 99` };
    const entries: LocalAreaEntry[] = [];
    for (let n = from; n <= to; n++) {
      const code = `${area}${n}`;
      if (!OUTWARD.test(code)) return { ok: false, reason: `range "${raw.trim()}" includes ${code}, which is not a postcode district` };
      entries.push({ kind: "district", code });
    }
    return { ok: true, entries };
  }

  if (/^[A-Z]{1,2}$/.test(text)) {
    if (!POSTCODE_AREAS.has(text)) return { ok: false, reason: `there is no ${text} postcode area` };
    return { ok: true, entries: [{ kind: "area", code: text }] };
  }

  if (OUTWARD.test(text)) {
    const area = AREA_OF.exec(text)![0];
    if (!POSTCODE_AREAS.has(area)) return { ok: false, reason: `there is no ${area} postcode area` };
    return { ok: true, entries: [{ kind: "district", code: text }] };
  }

  const sector = SECTOR.exec(text);
  if (sector && OUTWARD.test(sector[1])) {
    const area = AREA_OF.exec(sector[1])![0];
    if (!POSTCODE_AREAS.has(area)) return { ok: false, reason: `there is no ${area} postcode area` };
    return { ok: true, entries: [{ kind: "sector", code: text }] };
  }

  const full = parsePostcode(text);
  if (full.ok) return { ok: true, entries: [{ kind: "postcode", code: full.value.postcode }] };

  return {
    ok: false,
    reason: `"${raw.trim()}" is not a postcode area ("PR"), district ("PR1"), sector ("PR1 2"), range ("PR1-PR5") or postcode`,
  };
}

/**
 * Parse the local area as typed by an officer: entries separated by commas,
 * semicolons or new lines. Every bad entry is reported; good ones are
 * returned normalised (ranges expanded, duplicates removed, in the order given).
 */
export function parseLocalArea(text: string): { entries: string[]; errors: LocalAreaError[] } {
  const entries: string[] = [];
  const seen = new Set<string>();
  const errors: LocalAreaError[] = [];
  for (const raw of text.split(/[,;\n\r]+/)) {
    if (raw.trim() === "") continue;
    const r = parseLocalAreaEntry(raw);
    if (!r.ok) {
      errors.push({ entry: raw.trim(), reason: r.reason });
      continue;
    }
    for (const e of r.entries) {
      if (seen.has(e.code)) continue;
      seen.add(e.code);
      entries.push(e.code);
    }
  }
  return { entries, errors };
}

/**
 * The local area read into its four kinds of entry, normalised, ranges
 * expanded. Throws if any entry is not understood: a mistyped entry silently
 * matching nothing would understate the society's local impact. The SQL
 * function impact_postcode_place (db/migrations/0038) takes these sets.
 */
export function localAreaSets(localArea: readonly string[]): Record<"areas" | "districts" | "sectors" | "postcodes", Set<string>> {
  const areas = new Set<string>();
  const districts = new Set<string>();
  const sectors = new Set<string>();
  const postcodes = new Set<string>();
  const bad: string[] = [];
  for (const raw of localArea) {
    const r = parseLocalAreaEntry(raw);
    if (!r.ok) {
      bad.push(`${raw}: ${r.reason}`);
      continue;
    }
    for (const e of r.entries) {
      const target = { area: areas, district: districts, sector: sectors, postcode: postcodes }[e.kind];
      target.add(e.code);
    }
  }
  if (bad.length > 0) throw new RangeError(`local area has entries that are not understood: ${bad.join("; ")}`);
  return { areas, districts, sectors, postcodes };
}

/**
 * Build a reusable test for "is this postcode local?" from a list of entries.
 * Throws if any entry is not understood (see localAreaSets).
 */
export function localAreaMatcher(localArea: readonly string[]): (postcode: string) => boolean {
  const { areas, districts, sectors, postcodes } = localAreaSets(localArea);
  return (postcode: string) => {
    const r = parsePostcode(postcode);
    if (!r.ok || r.value.kind === "bfpo") return false;
    const p = r.value;
    if (postcodes.has(p.postcode)) return true;
    if (p.sector !== null && sectors.has(p.sector)) return true;
    if (p.district !== null) {
      if (districts.has(p.district)) return true;
      // Central London districts are split ("EC1" into "EC1A", "EC1M", ...);
      // listing the district includes all its parts.
      if (/[A-Z]$/.test(p.district) && districts.has(p.district.slice(0, -1))) return true;
    }
    return p.area !== null && areas.has(p.area);
  };
}

/**
 * Is the postcode inside the local area? An invalid or BFPO postcode is never
 * local. For many postcodes, build a `localAreaMatcher` once instead.
 */
export function isLocal(postcode: string, localArea: readonly string[]): boolean {
  return localAreaMatcher(localArea)(postcode);
}
