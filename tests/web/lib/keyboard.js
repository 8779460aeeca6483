// SPDX-License-Identifier: Apache-2.0
// Moving through a page by keyboard alone, as a person who uses no mouse:
// Tab until the wanted element has focus, then Enter, Space or typing. Each
// element on the way must show where the focus is (WCAG 2.4.7): an outline,
// a box shadow or a changed border or background, against its unfocused look.
'use strict';

const MAX_TABS = 120;

// The focused element's description and whether its focus can be seen.
async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
    return {
      tag: el.localName, name: el.getAttribute('name') || '', type: el.getAttribute('type') || '',
      text: text.slice(0, 60), visible, html: el.outerHTML.slice(0, 100),
    };
  });
}

// Tab until the focused element matches MATCH ({tag, name, text: RegExp});
// PROBLEMS gets each element on the way whose focus does not show.
async function tabTo(page, match, problems) {
  for (let i = 0; i < MAX_TABS; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (!f) continue;
    if (!f.visible && problems.length < 20) problems.push(`focus does not show on ${f.html} (${page.url()})`);
    if ((!match.tag || f.tag === match.tag) && (!match.name || f.name === match.name) &&
        (!match.text || match.text.test(f.text)) && (!match.type || f.type === match.type)) return f;
  }
  throw new Error(`Tab did not reach ${JSON.stringify({ ...match, text: String(match.text || '') })} in ${MAX_TABS} presses`);
}

// Enter on the focused element, waiting for the page it opens.
async function enterAndLoad(page, key = 'Enter') {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
}

module.exports = { tabTo, enterAndLoad, focused };
