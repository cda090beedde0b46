import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Member search that ignores case and accents (issue #16): "zoe" finds "Zoë",
 * "ogun" finds "Ögün", on the register (/register) and the members list
 * (/members), on PGlite and on the server, whatever the database's locale.
 *
 * member_name_key(name) is the one definition of the folded name: lower-cased,
 * and each accented Latin letter (upper or lower case, so a database whose
 * locale lower-cases only ASCII folds the same) put as its plain letter.
 * translate() and lower() are immutable, so the key is a stored generated
 * column, name_key, worked out once per write rather than for every row a
 * search reads or sorts (on 1,000,000 members that was most of its time). The
 * search folds the typed text with the same function (app/models/shares/
 * members.server.ts, memberNameKey), so both sides always agree.
 *
 * Two indexes serve every search without reading the whole register:
 * - members_name_key_idx (organisation, key in byte order, number): the start
 *   of the whole name ("ann pat" finds "Ann Patel") and the register's name
 *   order;
 * - members_name_key_words_idx (GIN over the key's words): the start of any
 *   word, in any order ("patel a" finds "Ann Patel").
 * They replace the three indexes on lower(name), which nothing queries now. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE FUNCTION member_name_key(name text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT translate(lower(name), 'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïðñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľŁłŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳ', 'aaaaaaceeeeiiiidnoooooouuuuyaaaaaaceeeeiiiidnoooooouuuuyyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjkkllllllllnnnnnnoooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzoouuaaiioouuuuuuuuuuaaaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeooooooooyy') $$
;
ALTER TABLE members ADD COLUMN name_key text GENERATED ALWAYS AS (member_name_key(name)) STORED
;
CREATE INDEX members_name_key_idx ON members (organisation_id, (name_key COLLATE "C"), member_number)
;
CREATE INDEX members_name_key_words_idx ON members USING gin (to_tsvector('simple'::regconfig, name_key))
;
DROP INDEX members_name_idx
;
DROP INDEX members_name_words_idx
;
DROP INDEX members_register_name_idx
`);
}
