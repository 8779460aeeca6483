// SPDX-License-Identifier: Apache-2.0
// Every page piirid serves: from the front pages and the public pages of each
// language, the links are followed (same site, under /fi/, /sv/ or /en/); each
// page gets every check of pagechecks.js, and each form found is sent empty
// once per language (its error state is a page too). Then the same signed in
// as the demo member, and as the demo leader from his Today page and the
// attendance page of a meeting under way (PIIRI_WEB_ATTENDANCE, made by run.py).
'use strict';

const crypto = require('crypto');
const report = require('./report');
const checks = require('./pagechecks');
const { watchedPage, saveDocument } = require('./browser');
const signin = require('./signin');

const LANGS = ['fi', 'sv', 'en'];
// Pages that must exist in every language; the rest are found by their links.
const PUBLIC = ['/', '/privacy', '/accessibility'];
// Links not followed: files, feeds, and anything that ends a session.
const SKIP = /^\/(static|api|feeds?)\/|\.(ics|json|css|js|png|svg|ico|webmanifest)$|sign-?out|log-?out|uloskirjautuminen/;
// Forms not sent empty: they end or destroy something even when empty (a
// link by email's form uses the link up; archiving a group).
const DANGEROUS = /sign-?out|log-?out|cancel|erase|delete|remove|rotate|archive|\/link\//;
const MAX_PAGES = Number(process.env.PIIRI_WEB_MAX_PAGES || 200);
const WORKERS = Number(process.env.PIIRI_WEB_WORKERS || 2);
// Pages of one thing (a group, an org, a signup) are all checked in Finnish,
// the default, and each in one of Swedish and English, chosen by a hash of
// the path, so that the run stays short; PIIRI_WEB_ALL=1 checks every one in
// all three. Pages of no thing (the front page, sign-in...) are checked in all.
const ALL = process.env.PIIRI_WEB_ALL === '1';

function inThisLanguage(url) {
  const lang = langOf(url);
  const rest = new URL(url).pathname.replace(/^\/(fi|sv|en)/, '');
  const thing = rest.match(/^\/[a-z-]+\/([^/]+)/);
  if (ALL || lang === 'fi' || !lang || !thing) return true;
  const bit = crypto.createHash('sha1').update(thing[1]).digest()[0] % 2;
  return (bit === 0) === (lang === 'sv');
}

function pageName(state, url) {
  const u = new URL(url);
  let name = u.pathname.replace(/^\/|\/$/g, '').replace(/\//g, '_') || 'root';
  if (u.search) name += '_' + crypto.createHash('sha1').update(u.search).digest('hex').slice(0, 8);
  return `${state}/${name}`;
}

function langOf(url) {
  const m = new URL(url).pathname.match(/^\/(fi|sv|en)(\/|$)/);
  return m ? m[1] : null;
}

// One page's checks after a navigation: the document it answered must be
// HTML with an expected status; then every check of pagechecks.js.
async function checkLoaded(page, label, artifacts, name, expectStatus) {
  const doc = await page.lastDocument;
  if (!doc) return [`no HTML page was answered (${page.lastAnswer})`, ...page.problems];
  const problems = [];
  if (!expectStatus(doc.status)) problems.push(`answered ${doc.status}`);
  saveDocument(artifacts, label, doc.body);
  problems.push(...(await checks.allChecks(page, artifacts, name)), ...page.problems);
  return problems;
}

// The links and forms of the loaded page, as absolute URLs.
async function linksAndForms(page, base) {
  return page.evaluate((base) => {
    const links = [...document.querySelectorAll('a[href]')].map((a) => a.href)
      .filter((h) => h.startsWith(base + '/')).map((h) => h.split('#')[0]);
    const forms = [...document.forms].map((f, i) => ({
      index: i, method: (f.getAttribute('method') || 'get').toLowerCase(), action: f.action,
    }));
    return { links, forms };
  }, base);
}

function formKey(lang, f) {
  const path = new URL(f.action).pathname.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id');
  return `${lang} ${f.method.toUpperCase()} ${path}`;
}

// The states the pages are checked in: signed out, signed in as the demo
// member, and as the demo leader Lauri, whose crawl starts at his Today page
// (and the attendance page of the meeting under way) and follows only the
// leader's pages (the rest he sees as any member).
const ATTENDANCE = process.env.PIIRI_WEB_ATTENDANCE;
// The pages that links by email open (run.py stores one of each kind).
const LINKS = (process.env.PIIRI_WEB_LINKS || '').split(',').filter(Boolean).map((t) => `/link/${t}`);
// The org the demo coordinator runs (schema/demo/demo.sql).
const COORD_ORG = 'perhekahvilat-tampere';
// The coordinator's pages her crawl follows, one line per area (the paths
// after /{lang}/).
const UUID = '[0-9a-f-]{36}';
const COORD_PAGES = [
  // groups: the org's list, the group form, archiving (web-pages-manage.c, web-pages-group-form.c)
  new RegExp(`^/(fi|sv|en)/(orgs/[a-z0-9-]+/manage(/groups/new)?|groups/${UUID}/(edit|archive))$`),
  // sessions and signups
  new RegExp(`^/(fi|sv|en)/(orgs/[a-z0-9-]+/manage/sessions|groups/${UUID}/(sessions(/new)?|signups)|sessions/${UUID}/(signups|cancel|move)|manage/signups/${UUID}/cancel)$`),
  // people and their mail
  new RegExp(`^/(fi|sv|en)/orgs/[a-z0-9-]+/manage/people(/${UUID}(/remove)?)?$`),
  // reports
  /^\/(fi|sv|en)\/orgs\/[a-z0-9-]+\/manage\/reports$/,
  // one-to-one support
  new RegExp(`^/(fi|sv|en)/orgs/[a-z0-9-]+/manage/support(/(supporters|pairings|proposals|access-log)|/(requests|supporters)/${UUID}|/pairings/${UUID}/close)?$`),
];
const STATES = [
  { state: 'signed-out', start: [...PUBLIC, ...LINKS] },
  { state: 'signed-in' },
  { state: 'signed-in-leader', email: 'lauri@piiri.example',
    start: ['/today', ...(ATTENDANCE ? [`/sessions/${ATTENDANCE}/attendance`] : [])],
    follow: /^\/(fi|sv|en)\/(today|sessions\/[0-9a-f-]{36}\/(coming|attendance))$/ },
  // The demo coordinator Kaisa: her org's coordinator pages (COORD_PAGES),
  // the forms sent empty among them.
  // A page of the same shape (its path with ids as :id, its query's names)
  // is checked for at most three of its things in each language: the org
  // has a page per session for each of several actions, and all are alike.
  { state: 'signed-in-coordinator', email: 'kaisa@piiri.example', start: [`/orgs/${COORD_ORG}/manage`],
    follow: { test: (path) => COORD_PAGES.some((re) => re.test(path)) }, perShape: 3 },
];

// A page's shape: its path with every id as :id, and the names of its query.
function shapeOf(url) {
  const u = new URL(url);
  return u.pathname.replace(new RegExp(UUID, 'g'), ':id') + '?' + [...u.searchParams.keys()].sort().join('&');
}

async function crawl(context, base, artifacts, state, only, start = PUBLIC, follow = null, perShape = Infinity) {
  const seen = new Set();
  const shapes = new Map();
  const queue = [];
  const forms = new Map();
  const add = (url) => {
    const path = new URL(url).pathname;
    if (seen.has(url) || SKIP.test(path) || !(path === '/' || langOf(url)) || !inThisLanguage(url)) return;
    if (follow && !follow.test(path)) return;
    const shape = shapeOf(url);
    if (!process.env.PIIRI_WEB_ALL && (shapes.get(shape) || 0) >= perShape) return;
    shapes.set(shape, (shapes.get(shape) || 0) + 1);
    seen.add(url);
    queue.push(url);
  };
  for (const lang of LANGS) for (const p of start) add(`${base}/${lang}${p}`);
  let count = 0;
  let busy = 0;
  const visit = async (page, url) => {
    const label = `${state} ${new URL(url).pathname}${new URL(url).search}`;
    page.problems = [];
    page.lastDocument = null;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(url);
    const found = await linksAndForms(page, base);
    if (!only || label.includes(only)) {
      report.check(label, await checkLoaded(page, label, artifacts, pageName(state, url), (s) => s === 200));
    }
    found.links.forEach(add);
    const lang = langOf(url);
    for (const f of found.forms) {
      if (lang && !DANGEROUS.test(new URL(f.action).pathname) && !forms.has(formKey(lang, f))) {
        forms.set(formKey(lang, f), { url, index: f.index });
      }
    }
  };
  // WORKERS pages at a time; one whose queue is empty waits while another
  // may still find links.
  const worker = async () => {
    const page = await watchedPage(context, [base]);
    while (count < MAX_PAGES) {
      if (!queue.length) {
        if (!busy) break;
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const url = queue.shift();
      count++;
      busy++;
      try { await visit(page, url); } finally { busy--; }
    }
    await page.close();
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  if (queue.length) report.fail(`${state}: more than ${MAX_PAGES} pages`, [`not checked: ${queue.slice(0, 5).join(' ')}...`]);
  return forms;
}

// FORM (on page URL) sent with its visible fields emptied and the browser's
// own validation off, as a browser without it would: the server's answer is a
// page with the errors on it, never a 5xx.
async function sendEmpty(context, base, artifacts, state, key, form) {
  const page = await watchedPage(context, [base]);
  await page.goto(form.url);
  page.problems = [];
  page.lastDocument = null;
  // Sent by requestSubmit (with the form's first submit button), which works
  // also when the form is in a closed <details>.
  const send = page.evaluate((i) => {
    const f = document.forms[i];
    f.noValidate = true;
    // A form that app.js sends through the API (data-op) goes to the server as without it.
    delete f.dataset.op;
    for (const el of f.elements) {
      if (el.type === 'hidden' || el.type === 'submit' || el.type === 'button') continue;
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
      else if ('value' in el && el.localName !== 'select') el.value = '';
    }
    f.requestSubmit(f.querySelector('button:not([type=button]), input[type=submit]') || undefined);
  }, form.index).catch((e) => {
    // The navigation it starts may end the evaluation's context first.
    if (!/context was destroyed|navigat/i.test(e.message)) throw e;
  });
  await Promise.all([page.waitForEvent('load'), send]);
  const label = `${state} form sent empty: ${key}`;
  report.check(label, await checkLoaded(page, label, artifacts, `${state}/empty-${key.replace(/[^a-z0-9]+/gi, '_')}`,
    (s) => s < 500));
  await page.close();
}

async function everyPage(browser, base, artifacts, only) {
  for (const { state, email, start, follow, perShape } of STATES) {
    const context = await browser.newContext();
    context.setDefaultTimeout(10000);
    if (state !== 'signed-out' && !(await signin.signIn(context, base, 'fi', email))) {
      console.log(`skip  ${state} pages: the site has no sign-in page yet`);
      await context.close();
      continue;
    }
    const forms = await crawl(context, base, artifacts, state, only, start, follow, perShape);
    for (const [key, form] of forms) {
      if (!only || key.includes(only)) await sendEmpty(context, base, artifacts, state, key, form);
    }
    await context.close();
  }
}

module.exports = { everyPage, LANGS };
