// SPDX-License-Identifier: Apache-2.0
// The coordinator's one-to-one support pages (server/web-pages-support*.c),
// each journey with and without JavaScript: Kaisa opens the request queue, the
// oldest open request of the demo org, its ranked candidates, proposes the best
// one through the confirmation step and sees the pairing proposed; and she
// reads the supporters' refresher dates in words and the access log that her
// reading wrote. The demo org has two open requests, one for each run.
'use strict';

const { T, steps, at, click, seesText, signInAs } = require('./journeys');
const { watchedPage } = require('./browser');

const ORG = 'perhekahvilat-tampere';
const SUPPORT = `/fi/orgs/${ORG}/manage/support`;
const UUID = '[0-9a-f-]{36}';
// The demo's request from Minna (schema/demo/demo.sql).
const MINNAS_REQUEST = '50000000-0000-4000-8000-000000000002';

async function proposeFromTheQueue(context, base) {
  const page = await watchedPage(context, [base]);
  let request = null;
  return steps(page, [
    ['sign in as the demo coordinator', async () => { await signInAs(page, base, 'kaisa@piiri.example'); }],
    [`the org's groups link "${T.mm_manage_link}", the request queue`, async () => {
      await page.goto(`${base}/fi/orgs/${ORG}/manage`);
      await click(page, 'link', T.mm_manage_link);
      at(page, new RegExp(`^${SUPPORT}$`));
      await seesText(page, T.mm_queue_title);
      await seesText(page, T.mm_crisis_heading);
    }],
    ['the oldest open request: its text, its ranked candidates and their reasons', async () => {
      await Promise.all([page.waitForEvent('load'),
        page.locator('ol.cards > li h2 a').first().click()]);
      at(page, new RegExp(`^${SUPPORT}/requests/${UUID}$`));
      request = new URL(page.url()).pathname;
      await seesText(page, T.mm_message_label);
      await seesText(page, T.mm_candidates_heading);
      await seesText(page, T.mm_reason_places.replace('{n}/{m}', '').trim());
      await seesText(page, T.mm_crisis_heading);
    }],
    [`the best candidate chosen with a note, "${T.mm_propose_button}" asks to confirm`, async () => {
      await page.locator('input[name="supporter_id"]').first().check();
      await page.getByLabel(T.mm_note_label, { exact: true }).fill('Soittaisitko iltapäivällä?');
      await click(page, 'button', T.mm_propose_button);
      at(page, new RegExp(`^${SUPPORT}/requests/${UUID}/propose$`));
      await seesText(page, T.mm_propose_confirm_text);
      await seesText(page, 'Soittaisitko iltapäivällä?');
    }],
    [`"${T.mm_propose_confirm_button}" proposes it: "${T.mm_proposed_notice}"`, async () => {
      await click(page, 'button', T.mm_propose_confirm_button);
      at(page, new RegExp(`^${request}\\?proposed=1$`));
      await seesText(page, T.mm_proposed_notice);
      await seesText(page, T.mm_request_status_proposed);
    }],
    [`"${T.mm_pairings_title}" lists it as "${T.mm_status_proposed}"`, async () => {
      await click(page, 'link', T.mm_pairings_title);
      at(page, new RegExp(`^${SUPPORT}/pairings$`));
      await seesText(page, T.mm_status_proposed);
    }],
  ]);
}

async function supportersAndLog(context, base) {
  const page = await watchedPage(context, [base]);
  return steps(page, [
    ['sign in as the demo coordinator', async () => { await signInAs(page, base, 'kaisa@piiri.example'); }],
    [`"${T.mm_supporters_title}": Sari's refresher due soon, said in words`, async () => {
      await page.goto(`${base}${SUPPORT}`);
      await click(page, 'link', T.mm_supporters_title);
      at(page, new RegExp(`^${SUPPORT}/supporters$`));
      await seesText(page, T.mm_refresher_soon);
      await seesText(page, 'Sari');
    }],
    ["a supporter's form keeps its profile", async () => {
      await click(page, 'link', 'Sari');
      at(page, new RegExp(`^${SUPPORT}/supporters/${UUID}$`));
      const name = await page.getByLabel(T.mm_field_public_name, { exact: true }).inputValue();
      if (name !== 'Sari') throw new Error(`the name field says "${name}"`);
      await click(page, 'button', T.mm_save);
      await seesText(page, T.mm_saved);
    }],
    [`"${T.mm_log_title}" says she read a request`, async () => {
      await page.goto(`${base}${SUPPORT}/requests/${MINNAS_REQUEST}`);
      await seesText(page, T.mm_logged_hint);
      await click(page, 'link', T.mm_log_title);
      at(page, new RegExp(`^${SUPPORT}/access-log$`));
      await seesText(page, 'Kaisa Koordinaattori');
      await seesText(page, T.mm_action_view);
    }],
  ]);
}

const JOURNEYS = [
  ['a coordinator opens the support queue, a request and its candidates, and proposes one', proposeFromTheQueue],
  ["a coordinator reads the supporters' refresher dates and the access log", supportersAndLog],
];

module.exports = { JOURNEYS };
