// SPDX-License-Identifier: Apache-2.0
// The npm side of bench/ics.sh: ical-generator renders the events that
// build/bench/ics_render wrote as JSON, R times after one warm-up; prints the
// median and fastest time. Timed: building the calendar from the plain objects
// (createEvent) and toString(), with a VTIMEZONE from @touch4it/ical-timezones.
// Dates are native Dates read in the process's zone, ical-generator's
// cheapest path, so TZ must be Europe/Helsinki.
//
//   TZ=Europe/Helsinki node bench/ics-generator.mjs NPM_DIR EVENTS.json REPS [OUT.ics]
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const [npmDir, eventsPath, repsText, outPath] = process.argv.slice(2);
if (!npmDir || !eventsPath || process.env.TZ !== 'Europe/Helsinki') {
    console.error('usage: TZ=Europe/Helsinki node ics-generator.mjs NPM_DIR EVENTS.json REPS [OUT.ics]');
    process.exit(2);
}
const require = createRequire(join(resolve(npmDir), 'package.json'));
const { default: ical, ICalEventStatus } = require('ical-generator');
const { getVtimezoneComponent } = require('@touch4it/ical-timezones');

const statuses = {
    CONFIRMED: ICalEventStatus.CONFIRMED,
    TENTATIVE: ICalEventStatus.TENTATIVE,
    CANCELLED: ICalEventStatus.CANCELLED,
};
const events = JSON.parse(readFileSync(eventsPath, 'utf8')).map((e) => ({
    ...e,
    stamp: new Date(e.stamp),
    lastModified: new Date(e.lastModified),
    start: new Date(e.start),
    end: new Date(e.end),
}));

function render() {
    const calendar = ical({
        name: 'Piiri: omat tapaamiset',
        prodId: '//Piiri//Piiri 1.0//FI',
        ttl: 60 * 60,
        timezone: { name: 'Europe/Helsinki', generator: getVtimezoneComponent },
    });
    for (const e of events) {
        calendar.createEvent({
            id: e.uid,
            sequence: e.sequence,
            stamp: e.stamp,
            lastModified: e.lastModified,
            start: e.start,
            end: e.end,
            timezone: 'Europe/Helsinki',
            summary: e.summary,
            description: e.description,
            location: e.location,
            url: e.url,
            status: statuses[e.status],
        });
    }
    return calendar.toString();
}

const reps = Number(repsText) || 5;
let text = render(); // warm-up: the JIT compiles the hot paths
const ms = [];
for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    text = render();
    ms.push(performance.now() - t0);
}
ms.sort((a, b) => a - b);
if (outPath) writeFileSync(outPath, text);
console.log(`events=${events.length} reps=${reps} bytes=${Buffer.byteLength(text)} ` +
    `median_ms=${ms[Math.floor(reps / 2)].toFixed(2)} min_ms=${ms[0].toFixed(2)}`);
