// SPDX-License-Identifier: Apache-2.0
// Signing a browser context in through the site's own sign-in form, with a
// demo account (schema/demo/demo.sql; every demo password is the same).
'use strict';

const DEMO_PASSWORD = 'vertaistuki-demo';

// Signs CONTEXT in as EMAIL (default the demo member Minna); false when the
// site has no sign-in page.
async function signIn(context, base, lang, email = 'minna@piiri.example') {
  const page = await context.newPage();
  try {
    const resp = await page.goto(`${base}/${lang}/signin`);
    if (!resp || resp.status() === 404) return false;
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', DEMO_PASSWORD);
    await Promise.all([page.waitForEvent('load'), page.locator('form:has(input[name="password"]) [type="submit"]').click()]);
    return true;
  } finally {
    await page.close();
  }
}

module.exports = { signIn, DEMO_PASSWORD };
