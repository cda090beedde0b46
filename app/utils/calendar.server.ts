/** An iCalendar reply: a download, or (for a subscribed feed) shown inline. */
export function calendarResponse(filename: string, ics: string, opts: { inline?: boolean } = {}) {
  return new Response(ics, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `${opts.inline ? "inline" : "attachment"}; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
