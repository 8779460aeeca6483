// SPDX-License-Identifier: Apache-2.0
// What members and leaders do, end to end, once with JavaScript and once
// without: find a group on the front page by words and open it, sign up (to
// a group that asks for consent) and cancel, a refused form and its errors,
// the calendar address's copy button, a leader's Today and who is coming,
// mark a meeting's attendance; the attendance page offline and back; a
// coordinator's new group made with the schedule builder and its preview.
// Each step says what it expected when it fails.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const report = require('./report');
const { watchedPage } = require('./browser');
const { tabTo, enterAndLoad } = require('./keyboard');
const { DEMO_PASSWORD } = require('./signin');

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

// A leader at the meeting: a signed-out visit to Today goes to the sign-in
// form and back; then Today is one tap from the front page, and who is
// coming one more.
async function leader(context, base) {
  const page = await watchedPage(context, [base]);
  return steps(page, [
    ['signed out, /fi/today leads to the sign-in form (next=/fi/today)', async () => {
      await page.goto(`${base}/fi/today`);
      at(page, /^\/fi\/signin\?next=\/fi\/today$/);
    }],
    ['sign in as the demo leader: back on Today', async () => {
      await page.fill('input[name="email"]', 'lauri@piiri.example');
      await page.fill('input[name="password"]', DEMO_PASSWORD);
      await click(page, 'button', T.signin_button);
      at(page, /^\/fi\/today$/);
    }],
    [`the front page's header has "${T.account_today}", one tap to Today`, async () => {
      await page.goto(`${base}/fi/`);
      await click(page, 'link', T.account_today);
      at(page, /^\/fi\/today$/);
      await seesText(page, T.today_intro);
    }],
    [`"${T.today_coming_link}" opens who is coming`, async () => {
      await Promise.all([page.waitForEvent('load'),
        page.locator('main').getByRole('link', { name: T.today_coming_link }).first().click()]);
      at(page, /^\/fi\/sessions\/[0-9a-f-]{36}\/coming$/);
      const h1 = await page.locator('h1').first().textContent();
      if (h1.trim() !== T.coming_title) throw new Error(`its h1 is "${h1.trim()}"`);
      await seesText(page, T.coming_confirmed_heading);
      await seesText(page, T.coming_waitlisted_heading);
    }],
  ]);
}

// ---- the leader's attendance page (PIIRI_WEB_ATTENDANCE: a meeting under way, run.py) ----

const ATTENDANCE = process.env.PIIRI_WEB_ATTENDANCE;
const LEADER = 'lauri@piiri.example';

// A sign-in is a password hash (argon2): on a busy machine, seconds.
async function signInAs(page, base, email) {
  page.setDefaultTimeout(15000);
  await page.goto(`${base}/fi/signin`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', DEMO_PASSWORD);
  await click(page, 'button', T.signin_button);
  at(page, /^\/fi\/me$/);
}

// What the server has, read through the API with the browser's own cookie.
async function serverAttendance(page, base) {
  const r = await page.request.get(`${base}/api/v1/sessions/${ATTENDANCE}/attendance`);
  if (r.status() !== 200) throw new Error(`GET the attendance answered ${r.status()}`);
  return r.json();
}

function person(page, name) {
  return page.locator('fieldset', { has: page.locator('legend', { hasText: exactly(name) }) });
}

async function stateSays(page, name, words) {
  const text = (await person(page, name).locator('.att-state').textContent()).trim();
  if (text !== `${T.att_state_label} ${words}`) throw new Error(`${name}'s state says "${text}"`);
}

async function statusSays(page, pattern, timeout = 5000) {
  await page.locator('.att-status', { hasText: pattern }).waitFor({ timeout });
}

function walkInsShown(page) {
  return page.locator('.att-walk-ins-n').textContent().then((t) => parseInt(t, 10));
}

function recordOf(att, name) {
  const r = att.records.find((x) => x.display_name === name) || att.guest_signups.find((x) => x.display_name === name);
  return r ? r.status : null;
}

const SAVED = new RegExp('^' + T.att_saved_at.replace('{time}', '\\d{1,2}[.:]\\d\\d') + '$');

// Sign in as the leader, open the meeting's page, mark a person, a walk-in,
// a drop-in by name and my hours; the server has exactly that. Without
// JavaScript each is a form and a new page; with it, each saves at once.
function leaderMarks(js) {
  return async (context, base) => {
    const page = await watchedPage(context, [base]);
    const guest = `Vieras ${crypto.randomBytes(3).toString('hex')}`;
    const status = js ? 'excused' : 'present';
    const statusWord = T[`att_${status}`];
    let before = null;
    // With JavaScript, a change is saved when the API has answered and the status says so.
    const saved = async (action) => {
      if (!js) return action();
      const answered = page.waitForResponse((r) => r.url().includes('/api/v1/sessions/') && r.request().method() !== 'GET');
      await Promise.all([answered, action()]);
      await statusSays(page, SAVED);
    };
    return steps(page, [
      [`sign in as ${LEADER}`, () => signInAs(page, base, LEADER)],
      ['open the attendance page of the meeting under way', async () => {
        await page.goto(`${base}/fi/sessions/${ATTENDANCE}/attendance`);
        const h1 = (await page.locator('h1').first().textContent()).trim();
        if (h1 !== T.att_title) throw new Error(`its h1 is "${h1}"`);
        before = await serverAttendance(page, base);
      }],
      [`mark Aino Esimerkki "${statusWord}"`, async () => {
        await saved(() => person(page, 'Aino Esimerkki').getByText(statusWord, { exact: true }).click());
        if (!js) await click(page, 'button', T.att_save);
        await stateSays(page, 'Aino Esimerkki', statusWord);
      }],
      ['press + for a walk-in', async () => {
        const btn = page.getByRole('button', { name: T.att_walk_in_plus, exact: true });
        await saved(() => (js ? btn.click() : Promise.all([page.waitForEvent('load'), btn.click()])));
        const n = await walkInsShown(page);
        if (n !== before.walk_ins + 1) throw new Error(`the page shows ${n} walk-ins, not ${before.walk_ins + 1}`);
      }],
      [`add "${guest}" as a drop-in`, async () => {
        await page.fill('input[name="display_name"]', guest);
        await saved(() => (js ? page.getByRole('button', { name: T.att_drop_in_add, exact: true }).click()
                              : click(page, 'button', T.att_drop_in_add)));
        await page.locator('.att-drop-ins', { hasText: guest }).waitFor();
      }],
      ['my hours: 1,5', async () => {
        await page.fill('input[name="hours"]', '1,5');
        await saved(() => (js ? page.getByRole('button', { name: T.att_hours_save, exact: true }).click()
                              : click(page, 'button', T.att_hours_save)));
      }],
      ['the server has exactly these marks', async () => {
        const att = await serverAttendance(page, base);
        if (recordOf(att, 'Aino Esimerkki') !== status) throw new Error(`Aino's record is ${recordOf(att, 'Aino Esimerkki')}`);
        if (att.walk_ins !== before.walk_ins + 1) throw new Error(`walk_ins ${att.walk_ins}, not ${before.walk_ins + 1}`);
        if (att.drop_ins.filter((d) => d.display_name === guest).length !== 1) throw new Error(`drop-ins: ${JSON.stringify(att.drop_ins)}`);
        const mine = att.volunteer_hours_by_leader.find((h) => h.display_name === 'Lauri Vertaisohjaaja');
        if (!mine || mine.hours !== 1.5) throw new Error(`my hours: ${JSON.stringify(att.volunteer_hours_by_leader)}`);
      }],
      ['a reloaded page shows the marks in words', async () => {
        await page.reload();
        await stateSays(page, 'Aino Esimerkki', statusWord);
        await statusSays(page, SAVED);
      }],
    ]);
  };
}

// With JavaScript, the network gone: two people marked and a walk-in wait in
// the browser ("waiting for network (3 changes)"), survive a reload from the
// service worker's copy, and are saved once the network is back: the server
// has exactly those marks and the walk-in once.
async function leaderOffline(context, base) {
  const page = await watchedPage(context, [base]);
  let before = null;
  const waiting = T.att_waiting_other.replace('{n}', '3');
  return steps(page, [
    [`sign in as ${LEADER}`, () => signInAs(page, base, LEADER)],
    ['open the attendance page; the service worker keeps a copy', async () => {
      await page.goto(`${base}/fi/sessions/${ATTENDANCE}/attendance`);
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.waitForFunction(() => caches.open('piiri-pages').then((c) => c.match(location.href)).then(Boolean),
        null, { timeout: 10000 });
      before = await serverAttendance(page, base);
    }],
    ['offline: mark Eero Esimerkki absent, Helmi Soittaja excused and press +', async () => {
      await context.setOffline(true);
      await person(page, 'Eero Esimerkki').getByText(T.att_absent, { exact: true }).click();
      await person(page, 'Helmi Soittaja').getByText(T.att_excused, { exact: true }).click();
      await page.getByRole('button', { name: T.att_walk_in_plus, exact: true }).click();
      await statusSays(page, waiting);
    }],
    ['reloaded offline, the page is there with the changes still waiting', async () => {
      await page.reload();
      await statusSays(page, waiting);
      await stateSays(page, 'Eero Esimerkki', T.att_absent);
      await stateSays(page, 'Helmi Soittaja', T.att_excused);
      const n = await walkInsShown(page);
      if (n !== before.walk_ins + 1) throw new Error(`the page shows ${n} walk-ins, not ${before.walk_ins + 1}`);
    }],
    ['online again: saved', async () => {
      await context.setOffline(false);
      await statusSays(page, SAVED, 20000);
    }],
    ['the server has exactly these marks, the walk-in once', async () => {
      const att = await serverAttendance(page, base);
      if (recordOf(att, 'Eero Esimerkki') !== 'absent') throw new Error(`Eero's record is ${recordOf(att, 'Eero Esimerkki')}`);
      if (recordOf(att, 'Helmi Soittaja') !== 'excused') throw new Error(`Helmi's record is ${recordOf(att, 'Helmi Soittaja')}`);
      if (att.walk_ins !== before.walk_ins + 1) throw new Error(`walk_ins ${att.walk_ins}, not ${before.walk_ins + 1}`);
      // What the browser could not send while offline is no problem of the page's.
      page.problems = page.problems.filter((p) => !/ERR_INTERNET_DISCONNECTED/.test(p));
    }],
  ]);
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

// ---- a coordinator (the demo's Kaisa, perhekahvilat-tampere) ----

// The header's link → the org's groups → "New group" → a weekly group made
// with the schedule builder → "Preview" shows the next ten dates in words,
// saving nothing → "Save" → the group's form says it is saved.
async function coordinatorNewGroup(context, base) {
  const page = await watchedPage(context, [base]);
  const title = `Verkkotestin ryhmä ${crypto.randomBytes(4).toString('hex')}`;
  const from = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
  return steps(page, [
    ['sign in as the demo coordinator', async () => { await signInAs(page, base, 'kaisa@piiri.example'); }],
    [`the header's "${T.account_manage}" opens an org's groups`, async () => {
      await click(page, 'link', T.account_manage);
      at(page, /^\/fi\/orgs\/[a-z0-9-]+\/manage$/);
      await seesText(page, T.mg_groups_heading);
    }],
    ['my page lists each org she coordinates by name: Tampereen perhekahvilat ry', async () => {
      await page.goto(`${base}/fi/me`);
      await Promise.all([page.waitForEvent('load'),
        page.getByRole('link', { name: `${T.me_manage_link} Tampereen perhekahvilat ry` }).click()]);
      at(page, /^\/fi\/orgs\/perhekahvilat-tampere\/manage$/);
    }],
    [`"${T.mg_new_group}" opens the group form`, async () => {
      await click(page, 'link', T.mg_new_group);
      at(page, /^\/fi\/orgs\/perhekahvilat-tampere\/manage\/groups\/new$/);
    }],
    ['fill in the title and a weekly schedule on Wednesdays 17.30–19.00', async () => {
      await page.getByLabel(T.gf_title, { exact: true }).fill(title);
      await page.getByLabel(T.gf_sched_kind_weekly, { exact: true }).check();
      await page.getByLabel(T.gf_sched_date, { exact: true }).fill(from);
      await page.getByLabel(T.gf_sched_weekday, { exact: true }).selectOption('WE');
      await page.getByLabel(T.gf_sched_time, { exact: true }).fill('17:30');
      await page.getByLabel(T.gf_sched_end_time, { exact: true }).fill('19:00');
    }],
    [`"${T.gf_preview_button}" shows the next ten Wednesdays, and what was typed stays`, async () => {
      await click(page, 'button', T.gf_preview_button);
      const dates = await page.locator('#preview ol.dates li').allInnerTexts();
      if (dates.length !== 10) throw new Error(`${dates.length} dates shown`);
      if (!dates.every((d) => d.startsWith('ke ') && d.includes('klo 17.30–19.00'))) throw new Error(`shown: ${dates[0]}`);
      const kept = await page.getByLabel(T.gf_title, { exact: true }).inputValue();
      if (kept !== title) throw new Error(`the title is now "${kept}"`);
    }],
    [`"${T.gf_save_button}" saves it: the group's form says "${T.gf_saved}"`, async () => {
      await click(page, 'button', T.gf_save_button);
      at(page, /^\/fi\/groups\/[0-9a-f-]{36}\/edit\?saved=1$/);
      await seesText(page, T.gf_saved);
    }],
  ]);
}

const JOURNEYS = [
  ['find a group by words and open it', findGroup],
  ['find a group by words and open it, by keyboard alone', findGroupByKeyboard],
  ['register, sign in, sign up, confirmation, my page, cancel, sign out', member],
  ['the whole sign-up journey by keyboard alone', memberByKeyboard],
  ['a leader: Today from the front page, who is coming', leader],
  ['a sign-up form sent without consent comes back with the error beside the box', refusedForm],
  ['the copy button of the calendar address', copyButton],
  ['a coordinator makes a weekly group with the schedule builder and previews its dates', coordinatorNewGroup],
];

// Journeys of one area each live in a file of their own, journeys-*.js, that
// exports JOURNEYS like the list above and takes its steps' helpers from here.
function moreJourneys() {
  return fs.readdirSync(__dirname).filter((f) => /^journeys-[a-z0-9-]+\.js$/.test(f)).sort()
    .flatMap((f) => require(path.join(__dirname, f)).JOURNEYS);
}

async function all(browser, base, only) {
  const listed = JOURNEYS.concat(moreJourneys());
  for (const js of [true, false]) {
    const journeys = listed.concat(ATTENDANCE ? [['a leader marks a meeting under way', leaderMarks(js)]] : [])
      .concat(ATTENDANCE && js ? [['the attendance page offline and back', leaderOffline]] : []);
    for (const [name, fn] of journeys) {
      const label = `journey ${js ? 'with' : 'without'} JavaScript: ${name}`;
      if (only && !label.includes(only)) continue;
      const context = await browser.newContext({ javaScriptEnabled: js });
      context.setDefaultTimeout(5000);
      report.check(label, await fn(context, base, js));
      await context.close();
    }
  }
}

module.exports = { all, T, steps, step, at, click, seesText, signInAs, exactly, newAccount };
