// SPDX-License-Identifier: Apache-2.0
// What members do, end to end, once with JavaScript and once without: find a
// group on the front page by words and open it. Each step says what it
// expected when it fails.
'use strict';

const report = require('./report');
const { watchedPage } = require('./browser');
const { tabTo, enterAndLoad } = require('./keyboard');

const HERVANTA = 'Perhekahvila Hervanta';

async function step(what, fn) {
  try {
    await fn();
    return null;
  } catch (e) {
    return `${what}: ${String(e.message || e).split('\n')[0]}`;
  }
}

// Runs STEPS ([what, fn]) in order, stopping at the first that fails; the
// problems are that step's and what the page noted on the way.
async function steps(page, list, problems = []) {
  for (const [what, fn] of list) {
    const p = await step(what, fn);
    if (p) { problems.push(p); break; }
  }
  problems.push(...page.problems);
  await page.close();
  return problems;
}

async function onGroupPage(page, lang, title) {
  if (!new RegExp(`^/${lang}/groups/[0-9a-f-]{36}$`).test(new URL(page.url()).pathname)) throw new Error(`at ${page.url()}`);
  const h1 = await page.locator('h1').first().textContent({ timeout: 5000 });
  if (!h1.includes(title)) throw new Error(`its h1 is "${h1.trim()}"`);
}

// The same by keyboard alone: Tab to the search field, type, Enter, Tab to
// the result, Enter.
async function findGroupByKeyboard(context, base) {
  const page = await watchedPage(context, [base]);
  const problems = [];
  return steps(page, [
    ['open the front page /fi/', async () => { await page.goto(`${base}/fi/`); }],
    ['Tab to the search field (input name=q), type "hervanta", Enter', async () => {
      await tabTo(page, { tag: 'input', name: 'q' }, problems);
      await page.keyboard.type('hervanta');
      await enterAndLoad(page);
    }],
    [`Tab to the link "${HERVANTA}" and Enter opens the group page`, async () => {
      await tabTo(page, { tag: 'a', text: new RegExp(HERVANTA) }, problems);
      await enterAndLoad(page);
      await onGroupPage(page, 'fi', HERVANTA);
    }],
  ], problems);
}

// Front page → words in the search field → Enter → the group's link → its page.
async function findGroup(context, base) {
  const page = await watchedPage(context, [base]);
  return steps(page, [
    ['open the front page /fi/', async () => { await page.goto(`${base}/fi/`); }],
    ['type "hervanta" in the search field (input name=q) and press Enter', async () => {
      await page.locator('input[name="q"]').first().fill('hervanta');
      await Promise.all([page.waitForEvent('load'), page.locator('input[name="q"]').first().press('Enter')]);
    }],
    [`a result links to "${HERVANTA}", which opens the group page`, async () => {
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: HERVANTA }).first().click()]);
      await onGroupPage(page, 'fi', HERVANTA);
    }],
  ]);
}

const JOURNEYS = [
  ['find a group by words and open it', findGroup],
  ['find a group by words and open it, by keyboard alone', findGroupByKeyboard],
];

async function all(browser, base, only) {
  for (const js of [true, false]) {
    for (const [name, fn] of JOURNEYS) {
      const label = `journey ${js ? 'with' : 'without'} JavaScript: ${name}`;
      if (only && !label.includes(only)) continue;
      const context = await browser.newContext({ javaScriptEnabled: js });
      context.setDefaultTimeout(5000);
      report.check(label, await fn(context, base));
      await context.close();
    }
  }
}

module.exports = { all };
