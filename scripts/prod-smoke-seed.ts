/**
 * For scripts/prod-smoke.sh: in the database at DATABASE_URL (already
 * migrated by the production server), an organisation, a secretary, and a
 * member who can log in with an open motion to vote on. Prints them as JSON.
 * With "count <motionId>": prints how many ballots that motion holds.
 */
import { sql } from "kysely";
import { createPgDatabase } from "../app/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../db/factories";
import { newOpenMotion, setUpMeeting } from "./bench/governance";

const db = createPgDatabase(process.env.DATABASE_URL!, 2);
try {
  if (process.argv[2] === "count") {
    const r = await sql<{ n: string }>`select count(*)::text as n from ballots where motion_id = ${process.argv[3]}::uuid`.execute(db);
    console.log(r.rows[0].n);
  } else {
    const org = await makeOrganisation(db);
    const secretary = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
    const member = await makeMember(db, org.id, { name: "Smoke Voter" });
    const voter = await makeUser(db, { organisationId: org.id, roles: ["member"], memberId: member.id, email: `voter-${org.id}@example.test` });
    const meetingId = await setUpMeeting(db, org.id, secretary.id);
    const motionId = await newOpenMotion(db, org.id, meetingId, secretary.id, "Smoke motion");
    console.log(JSON.stringify({ email: voter.email, password: voter.password, motionId }));
  }
} finally {
  await db.destroy();
}
