// SPDX-License-Identifier: Apache-2.0
// The checks made on one loaded page: axe-core's WCAG 2.0/2.1 A and AA rules,
// nothing scrolling sideways at 320 CSS px (WCAG 1.4.10), nothing cut off with
// text at 200 % (WCAG 1.4.4), and screenshots. Each returns a list of
// problems as lines a reader can act on; an empty list is a pass.
'use strict';

const fs = require('fs');
const path = require('path');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// A short CSS path to an element, defined in the page (page.evaluate runs
// through the DevTools protocol, which the page's CSP does not block).
const SELECTOR_FN = `window.__piiriSelector = function (el) {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && parts.length < 5; e = e.parentElement) {
    let part = e.localName;
    if (e.id) { parts.unshift(part + '#' + e.id); break; }
    if (e.classList.length) part += '.' + [...e.classList].join('.');
    const same = e.parentElement ? [...e.parentElement.children].filter((c) => c.localName === e.localName) : [];
    if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
    parts.unshift(part);
  }
  return parts.join(' > ');
};
window.__piiriHidden = function (el) {
  // Visually hidden on purpose (a screen-reader-only text, display none).
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  return s.display === 'none' || s.visibility === 'hidden' || (r.width <= 1 && r.height <= 1) ||
    (s.clip && s.clip !== 'auto') || (s.clipPath && s.clipPath !== 'none')
};`;

async function helpers(page) {
  await page.evaluate(SELECTOR_FN);
}

async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: (n.failureSummary || '').split('\n').slice(0, 2).join(' ') })),
    }));
  }, AXE_TAGS);
  const lines = [];
  for (const v of violations) {
    for (const n of v.nodes.slice(0, 5)) lines.push(`axe ${v.id} (${v.impact}): ${v.help}; at ${n.target}; ${n.summary}`);
    if (v.nodes.length > 5) lines.push(`axe ${v.id}: and ${v.nodes.length - 5} more elements`);
  }
  return lines;
}

// The page scrolls sideways, or text is laid out beyond the viewport's sides
// (which overflow-x: hidden on the body would hide rather than fix).
async function sideways(page, label) {
  await helpers(page);
  return page.evaluate((label) => {
    const out = [];
    const root = document.documentElement;
    const width = root.clientWidth;
    if (root.scrollWidth > width) out.push(`${label}: the page scrolls sideways (scrollWidth ${root.scrollWidth} > ${width})`);
    const seen = new Set();
    for (const el of document.body.querySelectorAll('*')) {
      if (window.__piiriHidden(el)) continue;
      const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) ||
        ['img', 'input', 'select', 'textarea', 'button', 'video', 'svg'].includes(el.localName);
      if (!hasText) continue;
      const r = el.getBoundingClientRect();
      // Partly beyond a side: wholly outside is hidden on purpose (a skip link
      // kept off-screen until focused), and a page too wide shows above.
      if (r.width === 0 || r.right <= 0 || r.left >= width || (r.right <= width + 1 && r.left >= -1)) continue;
      // Inside a box that scrolls sideways on its own and fits the viewport
      // (a wide data table in a focusable region: WCAG 1.4.10's exception
      // for content that needs two dimensions), it is reached by scrolling it.
      let box = el.parentElement;
      for (; box && box !== document.body; box = box.parentElement) {
        const b = box.getBoundingClientRect();
        if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX) && b.left >= -1 && b.right <= width + 1) break;
      }
      if (box && box !== document.body) continue;
      // Only the outermost offender: its children are beyond the edge with it.
      let p = el.parentElement, nested = false;
      for (; p; p = p.parentElement) if (seen.has(p)) { nested = true; break; }
      seen.add(el);
      if (!nested && out.length < 8) {
        out.push(`${label}: ${window.__piiriSelector(el)} reaches ${Math.round(r.left)}..${Math.round(r.right)} px, beyond the ${width} px viewport`);
      }
    }
    return out;
  }, label);
}

// Text made FACTOR times larger as a text-only zoom does: every element's
// computed font size, whatever its unit, is multiplied (set in px so that
// nested elements do not compound).
async function zoomText(page, factor) {
  await page.evaluate((factor) => {
    const els = [document.documentElement, ...document.documentElement.querySelectorAll('*')];
    const sizes = els.map((el) => parseFloat(getComputedStyle(el).fontSize));
    els.forEach((el, i) => el.style.setProperty('font-size', `${sizes[i] * factor}px`, 'important'));
  }, factor);
}

// Content that its box clips (overflow hidden or clip, a fixed height) after
// zooming text: such text is cut off for a reader who needs large letters.
async function cutOff(page, label) {
  await helpers(page);
  return page.evaluate((label) => {
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
      // A field's value scrolls inside it, as a long address in a copy field does.
      if (window.__piiriHidden(el) || ['input', 'textarea', 'select'].includes(el.localName)) continue;
      const s = getComputedStyle(el);
      const clipsX = s.overflowX === 'hidden' || s.overflowX === 'clip';
      const clipsY = s.overflowY === 'hidden' || s.overflowY === 'clip';
      if (clipsX && el.scrollWidth > el.clientWidth + 1) {
        out.push(`${label}: ${window.__piiriSelector(el)} cuts off its content sideways (${el.scrollWidth} > ${el.clientWidth} px)`);
      }
      if (clipsY && el.scrollHeight > el.clientHeight + 1) {
        out.push(`${label}: ${window.__piiriSelector(el)} cuts off its content at the bottom (${el.scrollHeight} > ${el.clientHeight} px)`);
      }
      if (out.length >= 8) break;
    }
    return out;
  }, label);
}

async function screenshot(page, dir, name, width) {
  await page.setViewportSize({ width, height: 800 });
  const file = path.join(dir, `${name}-${width}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Every check of one page, loaded at 1280 px: axe, screenshots at 1280 and
// 360, sideways at 320, and last (it changes the page) text at 200 %.
async function allChecks(page, artifacts, name) {
  const problems = [];
  await page.setViewportSize({ width: 1280, height: 800 });
  problems.push(...(await axe(page)));
  await screenshot(page, artifacts, name, 1280);
  await screenshot(page, artifacts, name, 360);
  await page.setViewportSize({ width: 320, height: 640 });
  problems.push(...(await sideways(page, '320 px')));
  await page.setViewportSize({ width: 1280, height: 800 });
  await zoomText(page, 2);
  problems.push(...(await cutOff(page, 'text 200 %')));
  problems.push(...(await sideways(page, 'text 200 %')));
  return problems;
}

module.exports = { axe, sideways, zoomText, cutOff, screenshot, allChecks };
