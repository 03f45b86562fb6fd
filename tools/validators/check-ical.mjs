// Parse each iCalendar file named on the command line with ical.js (Mozilla's parser, used by
// Thunderbird) and check what RFC 5545 requires of the VEVENTs Workplan writes: UID and
// DTSTAMP once, DTSTART, a date DTEND after DTSTART, URL an absolute URI. Prints one JSON
// object {file: [problems]}; exits 1 when any file has a problem.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const report = {};
let failed = false;
for (const file of process.argv.slice(2)) {
  const problems = [];
  const text = readFileSync(file, "utf8");
  if (!/\r\n$/.test(text) || /[^\r]\n/.test(text)) problems.push("lines must end in CRLF");
  try {
    const calendar = new ICAL.Component(ICAL.parse(text));
    if (calendar.name !== "vcalendar") problems.push(`top component is ${calendar.name}`);
    for (const name of ["version", "prodid"]) {
      if (calendar.getAllProperties(name).length !== 1) problems.push(`VCALENDAR ${name}`);
    }
    const events = calendar.getAllSubcomponents("vevent");
    if (!events.length) problems.push("no VEVENT");
    for (const vevent of events) {
      const uid = vevent.getFirstPropertyValue("uid");
      for (const name of ["uid", "dtstamp", "dtstart"]) {
        if (vevent.getAllProperties(name).length !== 1) problems.push(`${uid}: ${name} not once`);
      }
      const start = vevent.getFirstPropertyValue("dtstart");
      const end = vevent.getFirstPropertyValue("dtend");
      if (start && end && end.compare(start) <= 0) problems.push(`${uid}: DTEND not after DTSTART`);
      for (const url of vevent.getAllProperties("url")) {
        try {
          new URL(url.getFirstValue());
        } catch {
          problems.push(`${uid}: URL ${url.getFirstValue()} is not an absolute URI`);
        }
      }
    }
  } catch (error) {
    problems.push(`ical.js cannot parse it: ${error.message}`);
  }
  report[file] = problems;
  if (problems.length) failed = true;
}
console.log(JSON.stringify(report));
process.exit(failed ? 1 : 0);
