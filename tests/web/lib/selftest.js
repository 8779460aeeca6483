// SPDX-License-Identifier: Apache-2.0
// The checks checked: tests/web/fixtures/good.html must pass every check and
// bad.html must fail each one (an image without alt, no lang, a box wider
// than a phone, text cut off when zoomed, a missing image, invalid HTML), so
// that a check that can no longer fail shows here.
'use strict';

const report = require('./report');
const checks = require('./pagechecks');
const { watchedPage, saveDocument } = require('./browser');

// Each: the words one problem line must all hold.
const BAD_FINDS = [
  ['axe image-alt'], ['axe html-has-lang'], ['320 px: the page scrolls sideways'],
  ['320 px:', 'div.wide', 'beyond the 320 px viewport'], ['text 200 %:', 'p.box', 'cuts off its content'],
  ['sub-resource answered 404', 'nothing.png'],
];

async function loadAndCheck(context, base, name, artifacts) {
  const page = await watchedPage(context, [base]);
  await page.goto(`${base}/${name}.html`);
  await page.waitForLoadState('networkidle');
  const doc = await page.lastDocument;
  saveDocument(artifacts, `selftest ${name}.html`, doc.body);
  const problems = [...(await checks.allChecks(page, `${artifacts}/selftest`, name)), ...page.problems];
  await page.close();
  return problems;
}

async function selftest(browser, base, artifacts) {
  const context = await browser.newContext();
  report.check('selftest: good.html passes every check', await loadAndCheck(context, base, 'good', artifacts));
  const bad = await loadAndCheck(context, base, 'bad', artifacts);
  const missed = BAD_FINDS.filter((words) => !bad.some((p) => words.every((w) => p.includes(w))));
  report.check('selftest: bad.html fails each check',
    missed.map((words) => `no problem said ${JSON.stringify(words)}; found: ${bad.join(' | ')}`));
  await context.close();
}

// After vnu ran: good.html has no error, bad.html has some.
function selftestVnu(found) {
  const lines = [];
  if (found['selftest good.html']) lines.push(...found['selftest good.html'].map((l) => `good.html: ${l}`));
  if (!found['selftest bad.html']) lines.push('vnu found no error in bad.html');
  report.check('selftest: vnu tells good.html from bad.html', lines);
  delete found['selftest good.html'];
  delete found['selftest bad.html'];
}

module.exports = { selftest, selftestVnu };
