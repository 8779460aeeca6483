// SPDX-License-Identifier: Apache-2.0
// Piiri's pages in a real browser (tests/web/README.md): the checks' self-test
// on tests/web/fixtures, every page piirid serves in fi, sv and en (signed out
// and signed in, and forms sent empty) through axe-core, the 320 px and 200 %
// text checks and screenshots, the journeys with JavaScript and without, then
// the Nu Html Checker over every document saved. Started by tests/web/run.py,
// which gives PIIRI_WEB_URL (piirid), PIIRI_WEB_FIXTURES and PIIRI_WEB_ARTIFACTS.
'use strict';

const report = require('./lib/report');
const { launch, documents } = require('./lib/browser');
const { vnu } = require('./lib/vnu');
const { selftest, selftestVnu } = require('./lib/selftest');
const site = require('./lib/site');
const journeys = require('./lib/journeys');

const SITE = process.env.PIIRI_WEB_URL;
const FIXTURES = process.env.PIIRI_WEB_FIXTURES;
const ARTIFACTS = process.env.PIIRI_WEB_ARTIFACTS || 'build/web-artifacts';
const ONLY = process.env.PIIRI_WEB_ONLY || '';

async function main() {
  const started = Date.now();
  const browser = await launch();
  try {
    if (FIXTURES) await selftest(browser, FIXTURES, ARTIFACTS);
    if (SITE) {
      if (!ONLY.startsWith('journey')) await site.everyPage(browser, SITE, ARTIFACTS, ONLY);
      await journeys.all(browser, SITE, ONLY);
    }
  } finally {
    await browser.close();
  }
  const vnuStarted = Date.now();
  const found = vnu(documents);
  console.log(`(vnu over ${Object.keys(documents).length} documents: ${Math.round((Date.now() - vnuStarted) / 1000)} s)`);
  if (FIXTURES) selftestVnu(found);
  for (const label of Object.keys(documents).map((f) => documents[f])) {
    if (label.startsWith('selftest ')) continue;
    report.check(`vnu: ${label}`, found[label] || []);
  }
  console.log(`\n(${Math.round((Date.now() - started) / 1000)} s)`);
  return report.summary();
}

main().then((ok) => process.exit(ok ? 0 : 1), (e) => {
  console.error(e);
  report.fail('the run itself', [String(e && e.stack || e)]);
  report.summary();
  process.exit(1);
});
