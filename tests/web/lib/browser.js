// SPDX-License-Identifier: Apache-2.0
// Debian's chromium under Playwright (no downloaded browser), and pages that
// watch themselves: what the page's CSP refused, script errors, sub-resources
// that failed, any request to another origin (a page makes none: no fonts,
// analytics or CDNs), and the HTML documents as served, kept for vnu.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';

async function launch() {
  // --no-sandbox: the checks run as root in CI, where chromium's sandbox cannot start.
  return chromium.launch({ executablePath: EXECUTABLE, args: ['--no-sandbox'] });
}

// Saved documents: file -> label (the page it was, for vnu's report).
const documents = {};
let docCount = 0;

function saveDocument(dir, label, body) {
  const file = path.join(dir, 'html', `${String(++docCount).padStart(3, '0')}.html`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body);
  documents[file] = label;
}

// A page that gathers problems in page.problems (reset by the caller) and
// keeps the latest main-frame HTML response in page.lastDocument.
async function watchedPage(context, origins) {
  const page = await context.newPage();
  page.problems = [];
  page.lastDocument = null;
  const note = (line) => { if (page.problems.length < 20) page.problems.push(line); };
  page.on('console', (m) => {
    // A resource that failed is reported from its response (below), and
    // chromium's own request for /favicon.ico is no page's doing.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) note(`console error: ${m.text().slice(0, 200)}`);
  });
  page.on('pageerror', (e) => note(`script error: ${String(e.message || e).slice(0, 200)}`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:', 'about:'].includes(u.protocol) && !origins.includes(u.origin)) {
      note(`request to another origin: ${r.url().slice(0, 120)}`);
    }
  });
  page.on('requestfailed', (r) => {
    // ERR_ABORTED: the page went on to the next one before this loaded.
    const why = r.failure() && r.failure().errorText;
    if (why !== 'net::ERR_ABORTED') note(`request failed: ${r.url()} (${why})`);
  });
  page.on('response', (r) => {
    const req = r.request();
    if (req.frame() !== page.mainFrame() || !req.isNavigationRequest()) {
      if (r.status() >= 400) note(`sub-resource answered ${r.status()}: ${r.url()}`);
      return;
    }
    const type = r.headers()['content-type'] || '';
    page.lastAnswer = `${r.status()} ${type}`;
    if (!type.startsWith('text/html') || (r.status() >= 300 && r.status() < 400)) return;
    // A promise: the caller awaits it after the navigation it made.
    page.lastDocument = r.body().then((body) => ({ url: r.url(), status: r.status(), body }), () => null);
  });
  return page;
}

module.exports = { launch, watchedPage, saveDocument, documents };
