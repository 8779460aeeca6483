// SPDX-License-Identifier: Apache-2.0
// A coordinator runs the association's people, end to end, once with
// JavaScript and once without: the demo coordinator Kaisa opens "People"
// from her org's groups, adds someone who has an account by email as a
// leader (a member at once), makes them a member, removes them through the
// confirmation step; invites an address with no account and withdraws the
// invitation. Each step says what it expected when it fails.
'use strict';

const { T, steps, at, click, seesText, signInAs, newAccount } = require('./journeys');
const { watchedPage } = require('./browser');

const ORG = 'perhekahvilat-tampere';
// A demo person of another org (Oulu), with a verified address.
const OONA = { email: 'oona@piiri.example', name: 'Oona Oululainen' };
const PEOPLE = new RegExp(`^/fi/orgs/${ORG}/manage/people`);

// The card of the people list that NAME heads.
function card(page, name) {
  return page.locator('li.card').filter({ has: page.getByRole('heading', { name, exact: true }) });
}

async function addByEmail(page, email, role) {
  await page.getByLabel(T.email_label, { exact: true }).fill(email);
  await page.getByLabel(T.mp_role_label, { exact: true }).selectOption(role);
  await click(page, 'button', T.mp_add_button);
}

async function coordinatorPeople(context, base) {
  const page = await watchedPage(context, [base]);
  const invited = newAccount().email;
  return steps(page, [
    ['sign in as the demo coordinator', async () => { await signInAs(page, base, 'kaisa@piiri.example'); }],
    [`her org's groups link to "${T.mp_title}"`, async () => {
      await page.goto(`${base}/fi/orgs/${ORG}/manage`);
      await click(page, 'link', T.mp_title);
      at(page, new RegExp(`^/fi/orgs/${ORG}/manage/people$`));
      await seesText(page, T.mp_people_heading);
    }],
    [`add ${OONA.email} as a leader: "${T.mp_done_added}", her card says "${T.mp_role_leader}"`, async () => {
      await addByEmail(page, OONA.email, 'leader');
      at(page, PEOPLE);
      await seesText(page, T.mp_done_added);
      const text = await card(page, OONA.name).innerText();
      if (!text.includes(T.mp_role_leader)) throw new Error(`her card says "${text}"`);
    }],
    [`her role form makes her a member: "${T.mp_done_role}"`, async () => {
      const c = card(page, OONA.name);
      await c.getByRole('combobox').selectOption('member');
      await Promise.all([page.waitForEvent('load'), c.getByRole('button', { name: new RegExp(T.mp_role_button) }).click()]);
      await seesText(page, T.mp_done_role);
      const text = await card(page, OONA.name).innerText();
      if (!text.includes(T.mp_role_member)) throw new Error(`her card says "${text}"`);
    }],
    [`"${T.mp_remove_link}" asks first and says what removal ends`, async () => {
      await Promise.all([page.waitForEvent('load'),
        card(page, OONA.name).getByRole('link', { name: new RegExp(T.mp_remove_link) }).click()]);
      at(page, new RegExp(`^/fi/orgs/${ORG}/manage/people/[0-9a-f-]{36}/remove$`));
      await seesText(page, T.mp_remove_ends_leading);
    }],
    [`"${T.mp_remove_button}" removes her: "${T.mp_done_removed}", and she is not listed`, async () => {
      await click(page, 'button', T.mp_remove_button);
      await seesText(page, T.mp_done_removed);
      if (await card(page, OONA.name).count()) throw new Error('she is still listed');
    }],
    [`an address with no account is invited: "${T.mp_invitations_heading}" lists it`, async () => {
      await addByEmail(page, invited, 'leader');
      await seesText(page, T.mp_done_invited);
      if (!(await card(page, invited).count())) throw new Error('the invitation is not listed');
    }],
    [`"${T.mp_withdraw_button}" withdraws it`, async () => {
      await Promise.all([page.waitForEvent('load'),
        card(page, invited).getByRole('button', { name: new RegExp(T.mp_withdraw_button) }).click()]);
      await seesText(page, T.mp_done_withdrawn);
      if (await card(page, invited).count()) throw new Error('the invitation is still listed');
    }],
  ]);
}

const JOURNEYS = [
  ['a coordinator adds a person by email as a leader, changes the role, removes them; invites and withdraws',
    coordinatorPeople],
];

module.exports = { JOURNEYS };
