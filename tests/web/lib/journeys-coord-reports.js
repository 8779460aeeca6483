// SPDX-License-Identifier: Apache-2.0
// The coordinators' reports page, end to end, once with JavaScript and once
// without: Kaisa opens the reports from her org's groups, picks last year
// with a quick choice, sees the table and the chart (an image named after
// the table), and downloads the CSV for a spreadsheet: a real download
// (Playwright's download event) of the period, with a byte order mark and
// Finnish headers; a wrong date comes back with the error beside its field.
// Screenshots of the page at 360 and 1280 px go to build/web-artifacts/journeys/.
'use strict';

const fs = require('fs');
const path = require('path');
const { watchedPage } = require('./browser');
const { T, steps, at, click, seesText, signInAs } = require('./journeys');

const ORG = 'perhekahvilat-tampere';
const ARTIFACTS = path.join(process.env.PIIRI_WEB_ARTIFACTS || path.join(__dirname, '..', '..', '..', 'build', 'web-artifacts'),
  'journeys');

async function shots(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
  }
}

async function coordinatorReports(context, base, js) {
  const page = await watchedPage(context, [base]);
  const lastYear = new Date().getFullYear() - 1;
  return steps(page, [
    ['sign in as the demo coordinator', async () => { await signInAs(page, base, 'kaisa@piiri.example'); }],
    [`the org's groups link to "${T.mr_manage_link}"`, async () => {
      await page.goto(`${base}/fi/orgs/${ORG}/manage`);
      await click(page, 'link', T.mr_manage_link);
      at(page, new RegExp(`^/fi/orgs/${ORG}/manage/reports$`));
      await seesText(page, T.mr_period_this_year);
    }],
    [`"${T.mr_period_last_year}" shows ${lastYear}: the table and the chart`, async () => {
      await click(page, 'link', T.mr_period_last_year);
      at(page, new RegExp(`^/fi/orgs/${ORG}/manage/reports\\?from=${lastYear}-01-01&to=${lastYear}-12-31$`));
      const caption = await page.locator('table.report caption').first().innerText();
      if (!caption.includes(`1.1.${lastYear}`)) throw new Error(`the caption is "${caption}"`);
      const rows = await page.locator('table.report').first().locator('tbody tr').count();
      if (rows < 2) throw new Error(`${rows} groups in the table`);
      const chart = page.getByRole('img', { name: T.mr_chart_name });
      if (await chart.count() !== 1) throw new Error('no chart named after the table');
      const bars = await chart.locator('rect').count();
      if (bars < 2) throw new Error(`${bars} bars in the chart`);
      await shots(page, `reports-last-year-${js ? 'js' : 'nojs'}`);
    }],
    [`"${T.mr_download_sheet}" downloads the CSV of ${lastYear} for a spreadsheet`, async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      const [download] = await Promise.all([page.waitForEvent('download'),
        page.getByRole('link', { name: T.mr_download_sheet, exact: true }).click()]);
      const name = download.suggestedFilename();
      if (name !== `${ORG}-attendance-${lastYear}-01-01-${lastYear}-12-31.csv`) throw new Error(`saved as ${name}`);
      const text = fs.readFileSync(await download.path(), 'utf8');
      if (!text.startsWith('\ufeff')) throw new Error('no byte order mark');
      const header = text.slice(1).split('\r\n')[0].split(';');
      if (header[1] !== T.mr_col_group) throw new Error(`the header is ${header.slice(0, 3).join(';')}`);
      if (!/^;Yhteensä;\d+;/m.test(text)) throw new Error('no total row');
    }],
    ['a date that does not exist comes back with the error beside its field', async () => {
      // A date input takes no impossible day: send the form as a typed URL would.
      await page.goto(`${base}/fi/orgs/${ORG}/manage/reports?from=${lastYear}-02-30&to=${lastYear}-03-31`);
      await seesText(page, T.error_summary_title);
      const invalid = await page.getByLabel(T.mr_from, { exact: true }).getAttribute('aria-invalid');
      if (invalid !== 'true') throw new Error('the field is not marked invalid');
      await click(page, 'link', T.mr_period_last_year);
      await seesText(page, T.mr_table_caption);
    }],
  ]);
}

const JOURNEYS = [
  ['a coordinator picks last year on the reports page, sees the table and chart, downloads the CSV',
    coordinatorReports],
];

module.exports = { JOURNEYS };
