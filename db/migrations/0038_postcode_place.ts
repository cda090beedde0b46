import type { Kysely } from "kysely";
import { runStatements } from "./util";

/*
 * Where a postcode is, for the community wealth figures worked out in SQL
 * (app/models/impact/impact-figures.server.ts): 'local', 'elsewhere', 'bfpo'
 * or 'unknown' (missing or not a UK postcode). It mirrors parsePostcode and
 * localAreaMatcher in app/domain/postcode.ts exactly; the local area comes in
 * already parsed by localAreaSets (areas, districts, sectors, postcodes), so
 * ranges and entry forms are read in one place only. A test compares the two
 * rules over many postcodes (tests/integration/impact-sql.test.ts).
 *
 * Mirroring JavaScript: text.replace(/\s+/g, "") removes exactly the
 * characters listed below, and toUpperCase() turns ß, ı, ſ and the Latin
 * ligatures into ASCII letters; every other character that is not ASCII
 * stays outside the postcode alphabet in both, so only a-z are upper-cased
 * here (upper() would follow the database's locale).
 */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE FUNCTION impact_postcode_place(postcode text, areas text[], districts text[], sectors text[], postcodes text[])
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
  c text;
  outward text;
  inward text;
  area text;
BEGIN
  IF postcode IS NULL THEN RETURN 'unknown'; END IF;
  c := regexp_replace(postcode, '[\\t\\n\\u000b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]', '', 'g');
  c := replace(replace(replace(replace(replace(replace(replace(replace(c,
         'ß', 'SS'), 'ﬀ', 'FF'), 'ﬁ', 'FI'), 'ﬂ', 'FL'), 'ﬃ', 'FFI'), 'ﬄ', 'FFL'), 'ﬅ', 'ST'), 'ﬆ', 'ST');
  c := translate(c, 'abcdefghijklmnopqrstuvwxyzıſ', 'ABCDEFGHIJKLMNOPQRSTUVWXYZIS');
  IF c ~ '^BFPO[0-9]{1,4}$' THEN RETURN 'bfpo'; END IF;
  IF c = 'GIR0AA' THEN
    outward := 'GIR'; inward := '0AA'; area := 'GIR';
  ELSE
    IF length(c) < 5 OR length(c) > 7 THEN RETURN 'unknown'; END IF;
    outward := left(c, -3);
    inward := right(c, 3);
    IF outward !~ '^[A-PR-UWYZ](?:[0-9]{1,2}|[0-9][ABCDEFGHJKPSTUW]|[A-HK-Y][0-9]{1,2}|[A-HK-Y][0-9][ABEHMNPRVWXY])$'
       OR inward !~ '^[0-9][ABD-HJLNP-UW-Z]{2}$' THEN
      RETURN 'unknown';
    END IF;
    area := substring(outward from '^[A-Z]+');
    IF NOT area = ANY ('{AB,AL,B,BA,BB,BD,BH,BL,BN,BR,BS,BT,BX,CA,CB,CF,CH,CM,CO,CR,CT,CV,CW,DA,DD,DE,DG,DH,DL,DN,DT,DY,'
        'E,EC,EH,EN,EX,FK,FY,G,GL,GU,GY,HA,HD,HG,HP,HR,HS,HU,HX,IG,IM,IP,IV,JE,KA,KT,KW,KY,'
        'L,LA,LD,LE,LL,LN,LS,LU,M,ME,MK,ML,N,NE,NG,NN,NP,NR,NW,OL,OX,PA,PE,PH,PL,PO,PR,'
        'RG,RH,RM,S,SA,SE,SG,SK,SL,SM,SN,SO,SP,SR,SS,ST,SW,SY,TA,TD,TF,TN,TQ,TR,TS,TW,'
        'UB,W,WA,WC,WD,WF,WN,WR,WS,WV,YO,ZE}'::text[]) THEN
      RETURN 'unknown';
    END IF;
  END IF;
  IF outward || ' ' || inward = ANY (postcodes)
     OR outward || ' ' || left(inward, 1) = ANY (sectors)
     OR outward = ANY (districts)
     -- Central London districts are split ("EC1" into "EC1A", ...): listing the district includes its parts.
     OR (outward ~ '[A-Z]$' AND left(outward, -1) = ANY (districts))
     OR area = ANY (areas) THEN
    RETURN 'local';
  END IF;
  RETURN 'elsewhere';
END
$fn$
`);
}
