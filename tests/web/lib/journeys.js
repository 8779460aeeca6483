// SPDX-License-Identifier: Apache-2.0
// What members do, end to end, once with JavaScript and once without: find a
// group on the front page by words and open it. Each step says what it
// expected when it fails.
'use strict';

const report = require('./report');
const { watchedPage } = require('./browser');

const HERVANTA = 'Perhekahvila Hervanta';

async function step(what, fn) {
  try {
    await fn();
    return null;
  } catch (e) {
    return `${what}: ${String(e.message || e).split('\n')[0]}`;
  }
}

// Front page → words in the search field → Enter → the group's link → its page.
async function findGroup(context, base) {
  const page = await watchedPage(context, [base]);
  const problems = [];
  const steps = [
    ['open the front page /fi/', async () => { await page.goto(`${base}/fi/`); }],
    ['type "hervanta" in the search field (input name=q) and press Enter', async () => {
      await page.locator('input[name="q"]').first().fill('hervanta');
      await Promise.all([page.waitForEvent('load'), page.locator('input[name="q"]').first().press('Enter')]);
    }],
    [`a result links to "${HERVANTA}"`, async () => {
      await page.getByRole('link', { name: HERVANTA }).first().waitFor({ timeout: 5000 });
    }],
    ['following it opens the group page', async () => {
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: HERVANTA }).first().click()]);
      if (!/\/fi\/groups\/[0-9a-f-]{36}$/.test(new URL(page.url()).pathname)) throw new Error(`at ${page.url()}`);
      const h1 = await page.locator('h1').first().textContent({ timeout: 5000 });
      if (!h1.includes(HERVANTA)) throw new Error(`its h1 is "${h1.trim()}"`);
    }],
  ];
  for (const [what, fn] of steps) {
    const p = await step(what, fn);
    if (p) { problems.push(p); break; }
  }
  problems.push(...page.problems);
  await page.close();
  return problems;
}

const JOURNEYS = [['find a group by words and open it', findGroup]];

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
