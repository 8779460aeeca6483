// SPDX-License-Identifier: Apache-2.0
// A coordinator's sessions and signups, end to end, once with JavaScript and
// once without: Kaisa adds a session to the family café Kaleva, finds it in
// this week's sessions, cancels it with a reason and sees it cancelled; and
// on another new session signs up people who phoned in, sees the waitlist
// form, cancels a signup through its confirmation step, is told in words
// that a party does not fit, and confirms a waitlisted one by hand. Each
// run makes sessions of its own, at times no other run uses.
'use strict';

const crypto = require('crypto');
const { watchedPage } = require('./browser');
const { T, steps, at, click, seesText, signInAs } = require('./journeys');

const KALEVA = { id: '20000000-0000-4000-8000-000000000002', title: 'Perhekahvila Kaleva' };
const ORG = 'perhekahvilat-tampere';

// A day in Helsinki as the date field takes it, days from today.
function helsinkiDay(days) {
  return new Date(Date.now() + days * 86400000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Helsinki' });
}

// A time of its own for each run: the hour by JavaScript or not, the minutes
// at random; the form's "18:00" and the page's words ("klo 18.00–19.00").
function slot(js) {
  const hour = js ? 20 : 21;
  const mm = String(crypto.randomBytes(1)[0] % 60).padStart(2, '0');
  return { start: `${hour}:${mm}`, end: `${hour + 1}:${mm}`, words: `klo ${hour}.${mm}–${hour + 1}.${mm}` };
}

async function load(page, action) {
  await Promise.all([page.waitForEvent('load'), action]);
}

// The group's "add a session" form, filled in and sent.
async function addSession(page, base, day, s) {
  await page.goto(`${base}/fi/groups/${KALEVA.id}/sessions`);
  await click(page, 'link', T.ms_add_link);
  at(page, new RegExp(`^/fi/groups/${KALEVA.id}/sessions/new$`));
  await page.getByLabel(T.ms_date_label, { exact: true }).fill(day);
  await page.getByLabel(T.ms_start_label, { exact: true }).fill(s.start);
  await page.getByLabel(T.ms_end_label, { exact: true }).fill(s.end);
  await click(page, 'button', T.ms_add_button);
  at(page, new RegExp(`^/fi/groups/${KALEVA.id}/sessions\\?month=\\d{4}-\\d{2}&added=1$`));
  await seesText(page, T.ms_notice_added);
}

// The one card of the list whose time is s's.
async function card(page, s) {
  const c = page.locator('li.card', { hasText: s.words });
  const n = await c.count();
  if (n !== 1) throw new Error(`${n} sessions ${s.words} on the page`);
  return c;
}

async function cancelSession(context, base, js) {
  const page = await watchedPage(context, [base]);
  const s = slot(js);
  return steps(page, [
    ['sign in as the demo coordinator', async () => { await signInAs(page, base, 'kaisa@piiri.example'); }],
    [`"${T.ms_add_link}" on ${KALEVA.title}'s sessions adds one today ${s.words}`, async () => {
      await addSession(page, base, helsinkiDay(0), s);
    }],
    [`the org's groups link "${T.ms_manage_link}": this week's sessions list it`, async () => {
      await page.goto(`${base}/fi/orgs/${ORG}/manage`);
      await click(page, 'link', T.ms_manage_link);
      at(page, new RegExp(`^/fi/orgs/${ORG}/manage/sessions$`));
      await seesText(page, T.ms_week_name_one.replace('{n}', ''));
      const text = await (await card(page, s)).innerText();
      if (!text.includes(KALEVA.title) || !text.includes(T.ms_state_scheduled)) throw new Error(`the card says: ${text}`);
    }],
    [`its "${T.ms_cancel_link}" opens the confirmation step with the reason's field`, async () => {
      await load(page, (await card(page, s)).getByRole('link', { name: new RegExp(`^${T.ms_cancel_link}`) }).click());
      at(page, /^\/fi\/sessions\/[0-9a-f-]{36}\/cancel$/);
      await seesText(page, T.ms_cancel_explained);
    }],
    ['sent without a reason, the form comes back with the error linked to the field', async () => {
      await click(page, 'button', T.ms_cancel_button);
      await seesText(page, T.ms_err_reason);
      const invalid = await page.getByLabel(T.ms_reason_label, { exact: true }).getAttribute('aria-invalid');
      if (invalid !== 'true') throw new Error(`aria-invalid is ${invalid}`);
      if (await page.locator('.error-summary a[href="#reason"]').count() !== 1) throw new Error('no summary link to #reason');
    }],
    ['with a reason it is cancelled: the week says so, with the reason', async () => {
      await page.getByLabel(T.ms_reason_label, { exact: true }).fill('Ohjaaja sairastui');
      await click(page, 'button', T.ms_cancel_button);
      at(page, new RegExp(`^/fi/orgs/${ORG}/manage/sessions\\?week=\\d{4}-W\\d{2}&cancelled=1$`));
      await seesText(page, T.ms_notice_cancelled);
      const text = await (await card(page, s)).innerText();
      if (!text.includes(T.ms_state_cancelled) || !text.includes('Ohjaaja sairastui')) throw new Error(`the card says: ${text}`);
    }],
  ]);
}

async function signUpOnBehalf(page, name, adults, notice) {
  await page.getByLabel(T.mu_name_label, { exact: true }).fill(name);
  await page.getByLabel(T.mu_adults_label, { exact: true }).fill(String(adults));
  await page.getByLabel(T.mu_children_label, { exact: true }).fill('0');
  await click(page, 'button', T.mu_on_behalf_button);
  at(page, /^\/fi\/sessions\/[0-9a-f-]{36}\/signups\?done=(confirmed|waitlisted)$/);
  await seesText(page, notice);
}

async function section(page, id) {
  return page.locator(`section[aria-labelledby="${id}"]`).innerText();
}

async function signupsAndWaitlist(context, base, js) {
  const page = await watchedPage(context, [base]);
  const s = slot(js);
  const id = crypto.randomBytes(3).toString('hex');
  const who = { a: `Puhelin A ${id}`, b: `Puhelin B ${id}`, c: `Puhelin C ${id}`, d: `Puhelin D ${id}` };
  let signups = null;
  return steps(page, [
    ['sign in as the demo coordinator', async () => { await signInAs(page, base, 'kaisa@piiri.example'); }],
    [`a new session of ${KALEVA.title} (20 places) in a week; its "${T.ms_signups_link}"`, async () => {
      await addSession(page, base, helsinkiDay(7), s);
      await load(page, (await card(page, s)).getByRole('link', { name: new RegExp(`^${T.ms_signups_link}`) }).click());
      at(page, /^\/fi\/sessions\/[0-9a-f-]{36}\/signups$/);
      signups = page.url();
      await seesText(page, T.coming_none_confirmed);
    }],
    ['sent without a name, the on-behalf form comes back with the error', async () => {
      await page.getByLabel(T.mu_name_label, { exact: true }).fill('');
      await click(page, 'button', T.mu_on_behalf_button);
      await seesText(page, T.mu_err_name);
    }],
    ['two phoned-in parties of 12 and 8 fill it; the next two (12 and 1) wait in that order', async () => {
      await signUpOnBehalf(page, who.a, 12, T.mu_notice_confirmed);
      await signUpOnBehalf(page, who.b, 8, T.mu_notice_confirmed);
      await signUpOnBehalf(page, who.c, 12, T.mu_notice_waitlisted);
      await signUpOnBehalf(page, who.d, 1, T.mu_notice_waitlisted);
      const waiting = await section(page, 'mu-waitlisted');
      if (!(waiting.indexOf(who.c) >= 0 && waiting.indexOf(who.c) < waiting.indexOf(who.d))) throw new Error(`the line: ${waiting}`);
      if (!(await section(page, 'mu-confirmed')).includes(T.mu_by)) throw new Error('who signed them up is not said');
    }],
    [`"${T.mu_cancel_link}" of the party of 8: the confirmation step, then it is cancelled`, async () => {
      const li = page.locator('li.person', { hasText: who.b });
      await load(page, li.getByRole('link', { name: new RegExp(`^${T.mu_cancel_link}`) }).click());
      at(page, /^\/fi\/manage\/signups\/[0-9a-f-]{36}\/cancel$/);
      await seesText(page, who.b);
      await click(page, 'button', T.mu_cancel_button);
      await seesText(page, T.mu_notice_cancelled);
      // The head of the line (12) does not fit the 8 free places, so the line stays.
      const waiting = await section(page, 'mu-waitlisted');
      if (!waiting.includes(who.c) || !waiting.includes(who.d)) throw new Error(`the line: ${waiting}`);
    }],
    ['confirming the party of 12 by hand is refused in words: it does not fit', async () => {
      const li = page.locator('li.person', { hasText: who.c });
      await load(page, li.getByRole('button', { name: new RegExp(`^${T.mu_confirm_button}`) }).click());
      await seesText(page, T.mu_does_not_fit);
      await seesText(page, '8 paikkaa');
      await click(page, 'link', T.mu_back);
    }],
    ['confirming the party of 1 by hand: confirmed, ahead of the line', async () => {
      if (page.url() !== signups) throw new Error(`at ${page.url()}`);
      const li = page.locator('li.person', { hasText: who.d });
      await load(page, li.getByRole('button', { name: new RegExp(`^${T.mu_confirm_button}`) }).click());
      await seesText(page, T.mu_notice_confirmed);
      if (!(await section(page, 'mu-confirmed')).includes(who.d)) throw new Error(`${who.d} is not confirmed`);
      if (!(await section(page, 'mu-waitlisted')).includes(who.c)) throw new Error(`${who.c} left the line`);
    }],
  ]);
}

const JOURNEYS = [
  ['a coordinator adds a session, finds it in the week and cancels it with a reason', cancelSession],
  ['a coordinator signs phoned-in people up, cancels one and confirms a waitlisted one by hand', signupsAndWaitlist],
];

module.exports = { JOURNEYS };
