// SPDX-License-Identifier: Apache-2.0
// Reads Piiri's calendar feeds with three independent JavaScript parsers:
// ical.js (Thunderbird's), node-ical and rrule.js. One process serves a whole
// test session: each line on stdin is {"ics", "from", "to"} (Unix seconds),
// each line out is {"icaljs": [...], "nodeical": [...], "rrule": [...]}, the
// occurrences each parser makes that overlap [from, to) (EXDATEs applied,
// overrides in place of the occurrences they replace), or {"error"}.
// An occurrence is {uid, start, end, ...}: Unix seconds, or "YYYY-MM-DD" for
// all-day events. Run by tests/integration/feed_parsers.py with NODE_PATH at
// the modules `npm ci` installed from package-lock.json.
'use strict';

const ICAL = require('ical.js');
const nodeIcal = require('node-ical');
const { rrulestr } = require('rrule');
const readline = require('readline');

function overlaps(s, e, from, to) {
  if (typeof s === 'string') {
    const lo = new Date(from * 1000).toISOString().slice(0, 10);
    const hi = new Date(to * 1000).toISOString().slice(0, 10);
    return s < hi && e > lo;
  }
  return s < to && e > from;
}

// ---- ical.js --------------------------------------------------------------

function icaljs(text, from, to) {
  const cal = new ICAL.Component(ICAL.parse(text));
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const masters = new Map(), exceptions = [];
  for (const v of cal.getAllSubcomponents('vevent')) {
    if (v.hasProperty('recurrence-id')) exceptions.push(v);
    // (without options ical.js would relate every override in the calendar to every master)
    else masters.set(v.getFirstPropertyValue('uid'),
                     new ICAL.Event(v, { strictExceptions: true, exceptions: [] }));
  }
  for (const x of exceptions) {
    const m = masters.get(x.getFirstPropertyValue('uid'));
    if (!m) throw new Error('an override without its master: ' + x.getFirstPropertyValue('uid'));
    m.relateException(x);
  }
  const out = [];
  const value = (t) => (t.isDate ? t.toString().slice(0, 10) : t.toUnixTime());
  function put(item, s, e) {
    if (!overlaps(value(s), value(e), from, to)) return;
    out.push({ uid: item.uid, start: value(s), end: value(e), wall: s.toString(),
               end_wall: e.toString(), all_day: s.isDate, tzid: s.zone ? s.zone.tzid : null,
               summary: item.summary, description: item.description, location: item.location,
               status: item.component.getFirstPropertyValue('status'),
               url: item.component.getFirstPropertyValue('url'),
               sequence: item.component.getFirstPropertyValue('sequence') });
  }
  for (const ev of masters.values()) {
    if (ev.isRecurring()) {
      const it = ev.iterator();
      let next, n = 0;
      while ((next = it.next()) && n++ < 5000) {
        const d = ev.getOccurrenceDetails(next);
        if (next.toUnixTime() >= to && d.startDate.toUnixTime() >= to) break;
        put(d.item, d.startDate, d.endDate);
      }
    } else {
      put(ev, ev.startDate, ev.endDate || ev.startDate);
    }
  }
  return out;
}

// ---- node-ical ------------------------------------------------------------

function nodeicalValue(d) {
  return d.dateOnly ? d.toISOString().slice(0, 10) : Math.round(d.getTime() / 1000);
}

function nodeical(text, from, to) {
  const data = nodeIcal.sync.parseICS(text);
  const out = [];
  const put = (v, s, e) => {
    const a = nodeicalValue(s), b = nodeicalValue(e || s);
    if (overlaps(a, b, from, to)) out.push({ uid: v.uid, start: a, end: b });
  };
  for (const v of Object.values(data)) {
    if (v.type !== 'VEVENT') continue;
    if (!v.rrule) {
      put(v, v.start, v.end);
      continue;
    }
    // EXDATEs and overrides as node-ical's README looks them up: by the
    // occurrence's date (toISOString's first ten characters).
    const key = (d) => d.toISOString().substring(0, 10);
    const duration = (v.end || v.start).getTime() - v.start.getTime();
    const dates = v.rrule.between(new Date((from - 3 * 86400) * 1000), new Date(to * 1000), true);
    for (const d of dates) {
      if (v.exdate && v.exdate[key(d)] !== undefined) continue;
      const o = v.recurrences && v.recurrences[key(d)];
      if (o) {
        put(o, o.start, o.end);
      } else {
        const s = new Date(d.getTime());
        s.dateOnly = v.start.dateOnly;
        const e = new Date(d.getTime() + duration);
        e.dateOnly = v.start.dateOnly;
        put(v, s, e);
      }
    }
  }
  return out;
}

// ---- rrule.js -------------------------------------------------------------
// Only a rule expander: the events are read here line by line, and every
// local time goes through rrule.js's own zone handling.

function unfold(text) {
  return text.replace(/\r\n[ \t]/g, '').split('\r\n');
}

function vevents(text) {
  const events = [];
  let cur = null;
  for (const line of unfold(text)) {
    if (line === 'BEGIN:VEVENT') cur = {};
    else if (line === 'END:VEVENT') { events.push(cur); cur = null; }
    else if (cur) {
      const name = line.split(/[;:]/, 1)[0];
      (cur[name] = cur[name] || []).push(line);
    }
  }
  return events;
}

// "DTSTART;TZID=Europe/Helsinki:20270301T180000" (any name) -> Unix seconds
// or a date string.
function rruleTime(line) {
  const value = line.slice(line.lastIndexOf(':') + 1);
  if (/VALUE=DATE[;:]/.test(line)) return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  const params = line.slice(line.indexOf(';') < 0 ? line.indexOf(':') : line.indexOf(';'), line.lastIndexOf(':'));
  const d = rrulestr(`DTSTART${params}:${value}\nRRULE:FREQ=DAILY;COUNT=1`).all()[0];
  return Math.round(d.getTime() / 1000);
}

function rrulejs(text, from, to) {
  const out = [];
  const events = vevents(text);
  const overrides = new Map();
  for (const e of events) {
    if (e['RECURRENCE-ID']) overrides.set(`${e.UID[0].slice(4)} ${rruleTime(e['RECURRENCE-ID'][0])}`, e);
  }
  const put = (uid, s, end) => { if (overlaps(s, end, from, to)) out.push({ uid, start: s, end }); };
  for (const e of events) {
    const uid = e.UID[0].slice(4);
    const start = rruleTime(e.DTSTART[0]);
    const end = e.DTEND ? rruleTime(e.DTEND[0]) : start;
    if (e['RECURRENCE-ID']) continue;
    if (!e.RRULE) {
      put(uid, start, end);
      continue;
    }
    if (typeof start === 'string') throw new Error('an all-day series: ' + uid);
    const set = rrulestr([e.DTSTART[0], e.RRULE[0], ...(e.EXDATE || [])].join('\n'), { forceset: true });
    for (const d of set.between(new Date((from - 3 * 86400) * 1000), new Date(to * 1000), true)) {
      const t = Math.round(d.getTime() / 1000);
      const o = overrides.get(`${uid} ${t}`);
      if (o) put(uid, rruleTime(o.DTSTART[0]), o.DTEND ? rruleTime(o.DTEND[0]) : rruleTime(o.DTSTART[0]));
      else put(uid, t, t + (end - start));
    }
  }
  return out;
}

// ---- the loop -------------------------------------------------------------

const parsers = { icaljs, nodeical, rrule: rrulejs };
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let answer;
  try {
    const { ics, from, to } = JSON.parse(line);
    answer = {};
    for (const [name, parse] of Object.entries(parsers)) {
      try {
        answer[name] = parse(ics, from, to);
      } catch (e) {
        answer[name] = { error: String(e && e.stack || e) };
      }
    }
  } catch (e) {
    answer = { error: String(e && e.stack || e) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
