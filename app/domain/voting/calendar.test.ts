import { describe, expect, it } from "vitest";
import { meetingsCalendar, zonedInstant, type CalendarMeeting } from "./calendar";

const agm: CalendarMeeting = {
  id: "5b0a4f57-7d4f-4c44-9a55-0f4f4d6a7a01",
  title: "Annual general meeting 2027",
  organisationName: "Preston Bakery Workers' Co-operative",
  kind: "agm",
  heldOn: "2027-07-15",
  startsAt: "18:30",
  place: "Friargate Hall, Preston",
  format: "hybrid",
  agenda: "Accounts\nElection of directors",
  timeZone: "Europe/London",
  url: "https://coop.example/meetings/5b0a4f57-7d4f-4c44-9a55-0f4f4d6a7a01",
};

/** RFC 5545 folds long lines; unfold them to read the properties. */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");

describe("meetings as calendar entries", () => {
  it("turns a wall-clock time in the organisation's zone into the right instant, summer and winter", () => {
    expect(zonedInstant("2027-07-15", "18:30", "Europe/London").toISOString()).toBe("2027-07-15T17:30:00.000Z");
    expect(zonedInstant("2027-01-15", "18:30", "Europe/London").toISOString()).toBe("2027-01-15T18:30:00.000Z");
    expect(zonedInstant("2027-01-15", "09:00", "America/New_York").toISOString()).toBe("2027-01-15T14:00:00.000Z");
  });

  it("writes a timed meeting as a two-hour event in UTC with its place, agenda and link", () => {
    const ics = unfold(meetingsCalendar([agm], { name: "Meetings", stamp: new Date("2027-06-01T09:00:00Z") }));
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics).toContain("METHOD:PUBLISH");
    expect(ics).toContain(`UID:meeting-${agm.id}@coop-register`);
    expect(ics).toContain("DTSTART:20270715T173000Z");
    expect(ics).toContain("DTEND:20270715T193000Z");
    expect(ics).toContain("SUMMARY:Annual general meeting 2027 (Preston Bakery Workers' Co-operative)");
    expect(ics).toContain("LOCATION:Friargate Hall\\, Preston");
    expect(ics).toContain("DESCRIPTION:Agenda:\\nAccounts\\nElection of directors\\n\\nhttps://coop.example/meetings/");
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(1);
  });

  it("writes a meeting without a start time as an all-day event, and an online one as Online", () => {
    const ics = unfold(meetingsCalendar([{ ...agm, startsAt: "", place: "", format: "electronic" }], { name: "Meetings", stamp: new Date("2027-06-01T09:00:00Z") }));
    expect(ics).toContain("DTSTART;VALUE=DATE:20270715");
    expect(ics).toContain("DTEND;VALUE=DATE:20270716");
    expect(ics).toContain("LOCATION:Online");
  });
});
