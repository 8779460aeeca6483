// SPDX-License-Identifier: Apache-2.0
// What members do, end to end, once with JavaScript and once without: find a
// group on the front page by words and open it, sign up (to a group that asks
// for consent), a refused form and its errors, the calendar address's copy
// button. Each step says what it expected when it fails.
'use strict';

const crypto = require('crypto');
const path = require('path');
const report = require('./report');
const { watchedPage } = require('./browser');
const { tabTo, enterAndLoad } = require('./keyboard');

const HERVANTA = 'Perhekahvila Hervanta';
// A closed peer group of the demo, signed up to as a series (capacity 8),
// that asks for consent to share first names and phone numbers.
const KESKOS = { id: '20000000-0000-4000-8000-000000000005', title: 'Vertaisryhmä keskosvauvojen vanhemmille',
  consent: 'Suostun siihen, että etunimeni ja puhelinnumeroni jaetaan ryhmän muille jäsenille' };
// The UI strings the pages show, so that a step finds a button by its words.
const T = require(path.join(__dirname, '..', '..', '..', 'clients', 'web', 'i18n', 'fi.json'));

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

// A RegExp matching TEXT and nothing more.
function exactly(text) {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

function newAccount() {
  const id = crypto.randomBytes(6).toString('hex');
  return { name: `Verkkotesti ${id}`, email: `verkko-${id}@example.org`, password: `salasana-${id}` };
}

function at(page, pattern) {
  const where = new URL(page.url()).pathname + new URL(page.url()).search;
  if (!pattern.test(where)) throw new Error(`at ${where}`);
}

async function click(page, role, name) {
  await Promise.all([page.waitForEvent('load'), page.getByRole(role, { name, exact: true }).first().click()]);
}

async function seesText(page, text) {
  const body = await page.locator('main').first().innerText();
  if (!body.includes(text)) throw new Error(`"${text}" is not on the page (${page.url()})`);
}

// Register → sign in → a group's page → sign up → the confirmation → my page
// → cancel (and its confirmation step) → sign out, with the pointer.
async function member(context, base) {
  const page = await watchedPage(context, [base]);
  const a = newAccount();
  let signup = null;
  return steps(page, [
    ['register at /fi/register', async () => {
      await page.goto(`${base}/fi/register`);
      await page.fill('input[name="display_name"]', a.name);
      await page.fill('input[name="email"]', a.email);
      await page.fill('input[name="password"]', a.password);
      await click(page, 'button', T.register_button);
      at(page, /^\/fi\/signin/);
    }],
    ['sign in, which opens my page', async () => {
      await page.fill('input[name="email"]', a.email);
      await page.fill('input[name="password"]', a.password);
      await click(page, 'button', T.signin_button);
      at(page, /^\/fi\/me$/);
    }],
    [`sign up to "${KESKOS.title}" for an adult and a child, with a note`, async () => {
      await page.goto(`${base}/fi/groups/${KESKOS.id}`);
      const form = page.locator('form.signup-form').first();
      await form.locator('select[name="adults"]').selectOption('1');
      await form.locator('select[name="children"]').selectOption('1');
      await form.locator('textarea[name="note"]').fill('Tulemme vauvan kanssa.');
      await seesText(page, KESKOS.consent);
      await form.getByLabel(T.consent_label, { exact: true }).check();
      await Promise.all([page.waitForEvent('load'), form.locator('button[type="submit"]').click()]);
      at(page, /^\/fi\/signups\/[0-9a-f-]{36}$/);
      signup = new URL(page.url()).pathname;
    }],
    ['the confirmation says what and the status', async () => {
      await seesText(page, KESKOS.title);
      await seesText(page, T.signup_status_confirmed);
    }],
    ['my page lists the signup', async () => {
      await click(page, 'link', T.to_my_page);
      at(page, /^\/fi\/me$/);
      await seesText(page, KESKOS.title);
    }],
    ['cancel it from my page, through the confirmation step', async () => {
      await click(page, 'link', T.cancel_link);
      at(page, /^\/fi\/signups\/[0-9a-f-]{36}\/cancel$/);
      await click(page, 'button', T.cancel_confirm_button);
      await page.goto(`${base}${signup}`);
      await seesText(page, T.signup_status_cancelled);
    }],
    ['sign out', async () => {
      await click(page, 'button', T.account_signout);
      await page.getByRole('link', { name: T.account_signin, exact: true }).first().waitFor();
    }],
  ]);
}

// The same journey by keyboard alone: Tab to each field and button, type,
// choose with the arrow keys, Enter; never the pointer.
async function memberByKeyboard(context, base) {
  const page = await watchedPage(context, [base]);
  const a = newAccount();
  const problems = [];
  let signup = null;
  const fill = async (name, text) => {
    await tabTo(page, { name }, problems);
    await page.keyboard.type(text);
  };
  const press = async (text) => {
    await tabTo(page, { tag: 'button', text }, problems);
    await enterAndLoad(page);
  };
  const follow = async (text) => {
    await tabTo(page, { tag: 'a', text }, problems);
    await enterAndLoad(page);
  };
  return steps(page, [
    ['from the front page, Tab to "' + T.account_register + '" and register', async () => {
      await page.goto(`${base}/fi/`);
      await follow(exactly(T.account_register));
      await fill('display_name', a.name);
      await fill('email', a.email);
      await fill('password', a.password);
      await press(exactly(T.register_button));
      at(page, /^\/fi\/signin/);
    }],
    ['sign in', async () => {
      await fill('email', a.email);
      await fill('password', a.password);
      await press(exactly(T.signin_button));
      at(page, /^\/fi\/me$/);
    }],
    [`find "${KESKOS.title}" by words and open it`, async () => {
      await page.goto(`${base}/fi/`);
      await fill('q', 'keskosvauva');
      await enterAndLoad(page);
      await follow(new RegExp(KESKOS.title));
      at(page, new RegExp(`^/fi/groups/${KESKOS.id}$`));
    }],
    ['sign up for two adults (arrow key in the select), Space on the consent box, Enter', async () => {
      await tabTo(page, { tag: 'select', name: 'adults' }, problems);
      await page.keyboard.press('ArrowDown');
      await tabTo(page, { tag: 'input', name: 'consent' }, problems);
      await page.keyboard.press('Space');
      await tabTo(page, { tag: 'button', text: exactly(T.signup_button) }, problems);
      await enterAndLoad(page);
      at(page, /^\/fi\/signups\/[0-9a-f-]{36}$/);
      signup = new URL(page.url()).pathname;
      await seesText(page, KESKOS.title);
      await seesText(page, T.signup_status_confirmed);
    }],
    ['Tab to the cancel link, Enter, confirm with Enter: the signup is cancelled', async () => {
      await follow(exactly(T.cancel_link));
      await press(exactly(T.cancel_confirm_button));
      await page.goto(`${base}${signup}`);
      await seesText(page, T.signup_status_cancelled);
    }],
  ], problems);
}

async function registerSteps(page, base, a) {
  return [
    ['register at /fi/register and sign in', async () => {
      await page.goto(`${base}/fi/register`);
      await page.fill('input[name="display_name"]', a.name);
      await page.fill('input[name="email"]', a.email);
      await page.fill('input[name="password"]', a.password);
      await click(page, 'button', T.register_button);
      await page.fill('input[name="email"]', a.email);
      await page.fill('input[name="password"]', a.password);
      await click(page, 'button', T.signin_button);
      at(page, /^\/fi\/me$/);
    }],
  ];
}

// The error of FIELD_ID's field: aria-invalid, described by a message with TEXT.
async function fieldError(page, fieldId, text) {
  const field = page.locator(`#${fieldId}`);
  if ((await field.getAttribute('aria-invalid')) !== 'true') throw new Error(`#${fieldId} is not aria-invalid`);
  const ids = ((await field.getAttribute('aria-describedby')) || '').split(/\s+/).filter(Boolean);
  for (const id of ids) {
    if ((await page.locator(`#${id}`).innerText()).includes(text)) return;
  }
  throw new Error(`#${fieldId} is described by ${ids.join(', ') || 'nothing'}, none saying "${text}"`);
}

// A sign-up form sent without the consent it asks for comes back as the
// group's page: the summary at the top links to the box, the message is the
// box's, what was typed is kept; ticked, it goes through.
async function refusedForm(context, base) {
  const page = await watchedPage(context, [base]);
  const note = 'Tulemme isän kanssa.';
  return steps(page, [
    ...(await registerSteps(page, base, newAccount())),
    [`send "${KESKOS.title}"'s form for two adults with a note, the consent box not ticked`, async () => {
      await page.goto(`${base}/fi/groups/${KESKOS.id}`);
      const form = page.locator('form.signup-form').first();
      await form.locator('select[name="adults"]').selectOption('2');
      await form.locator('textarea[name="note"]').fill(note);
      const [response] = await Promise.all([page.waitForEvent('response', (r) => r.request().method() === 'POST'),
        form.locator('button[type="submit"]').click()]);
      await page.waitForLoadState('load');
      if (response.status() !== 422) throw new Error(`the answer is ${response.status()}, not 422`);
      // The group's page, answering the form's POST at the form's address.
      at(page, new RegExp(`^/fi/groups/${KESKOS.id}/signup$`));
      const h1 = await page.locator('h1').first().textContent();
      if (!h1.includes(KESKOS.title)) throw new Error(`its h1 is "${h1.trim()}"`);
    }],
    ['the error summary at the top links to the consent box', async () => {
      const summary = page.locator('.error-summary');
      await summary.waitFor();
      const link = summary.getByRole('link', { name: T.signup_err_consent });
      if ((await link.getAttribute('href')) !== '#consent') throw new Error('its link does not lead to #consent');
      await link.click();
      if (!new URL(page.url()).hash.endsWith('#consent')) throw new Error(`following it leads to ${page.url()}`);
    }],
    ['the message stands beside the box, which is aria-invalid and described by it', async () => {
      await fieldError(page, 'consent', T.signup_err_consent);
      const box = page.getByLabel(T.consent_label, { exact: true });
      if (await box.isChecked()) throw new Error('the box came back ticked');
    }],
    ['what was typed is kept: two adults, the note', async () => {
      const adults = await page.locator('#adults').inputValue();
      if (adults !== '2') throw new Error(`adults is ${adults}`);
      const kept = await page.locator('#note').inputValue();
      if (kept !== note) throw new Error(`the note is "${kept}"`);
    }],
    ['tick the box and send again: the confirmation', async () => {
      await page.getByLabel(T.consent_label, { exact: true }).check();
      await Promise.all([page.waitForEvent('load'), page.locator('form.signup-form button[type="submit"]').first().click()]);
      at(page, /^\/fi\/signups\/[0-9a-f-]{36}$/);
      await seesText(page, T.signup_status_confirmed);
    }],
  ]);
}

// My page's calendar address: with JavaScript a button copies it and says
// so in a live region; without, the button is hidden and the field stays.
async function copyButton(context, base, js) {
  const page = await watchedPage(context, [base]);
  const button = () => page.getByRole('button', { name: T.me_calendar_copy, exact: true });
  const list = [
    ...(await registerSteps(page, base, newAccount())),
    ['the calendar address is in a read-only field', async () => {
      const field = page.locator('#calendar-url');
      if ((await field.getAttribute('readonly')) === null) throw new Error('the field is not read-only');
      if (!/\/calendars\/people\/.+\.ics$/.test(await field.inputValue())) throw new Error('no feed address in it');
    }],
  ];
  if (!js) {
    list.push(['without JavaScript there is no copy button to press', async () => {
      if (await button().count()) throw new Error('a copy button is shown');
    }]);
    return steps(page, list);
  }
  list.push(['"' + T.me_calendar_copy + '" copies the address and the live region says "' + T.me_calendar_copied + '"', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await button().click();
    const live = page.locator('#calendar-url-status');
    if ((await live.getAttribute('aria-live')) !== 'polite') throw new Error('the status is not an aria-live region');
    await page.waitForFunction((t) => document.getElementById('calendar-url-status').textContent === t,
      T.me_calendar_copied, { timeout: 3000 });
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const url = await page.locator('#calendar-url').inputValue();
    if (copied !== url) throw new Error(`the clipboard holds "${copied}"`);
  }]);
  return steps(page, list);
}

const JOURNEYS = [
  ['find a group by words and open it', findGroup],
  ['find a group by words and open it, by keyboard alone', findGroupByKeyboard],
  ['register, sign in, sign up, confirmation, my page, cancel, sign out', member],
  ['the whole sign-up journey by keyboard alone', memberByKeyboard],
  ['a sign-up form sent without consent comes back with the error beside the box', refusedForm],
  ['the copy button of the calendar address', copyButton],
];

async function all(browser, base, only) {
  for (const js of [true, false]) {
    for (const [name, fn] of JOURNEYS) {
      const label = `journey ${js ? 'with' : 'without'} JavaScript: ${name}`;
      if (only && !label.includes(only)) continue;
      const context = await browser.newContext({ javaScriptEnabled: js });
      context.setDefaultTimeout(5000);
      report.check(label, await fn(context, base, js));
      await context.close();
    }
  }
}

module.exports = { all };
