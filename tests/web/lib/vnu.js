// SPDX-License-Identifier: Apache-2.0
// The Nu Html Checker over every HTML document the run saved, in one Java
// process (it takes seconds to start). Java is Debian's (scripts/deps.sh);
// the jar comes from npm's vnu-jar, as package-lock.json pins it.
'use strict';

const { spawnSync } = require('child_process');
const path = require('path');
const vnuJar = String(require('vnu-jar'));

// FILES: {file: page label}. Returns {label: [problem lines]} for the
// documents with errors; warnings are not counted.
function vnu(files) {
  const names = Object.keys(files);
  if (names.length === 0) return {};
  const java = process.env.JAVA || 'java';
  const p = spawnSync(java, ['-jar', vnuJar, '--errors-only', '--format', 'json', '--exit-zero-always', ...names.map((f) => path.resolve(f))],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (p.error || p.status !== 0) throw new Error(`vnu did not run: ${p.error || p.stderr}`);
  // vnu names a file "file:/abs/path".
  const byPath = {};
  for (const f of names) byPath[path.resolve(f)] = files[f];
  const out = {};
  for (const m of JSON.parse(p.stderr || p.stdout).messages) {
    if (m.type !== 'error' && m.subType !== 'fatal') continue;
    const label = byPath[decodeURIComponent(m.url.replace(/^file:(\/\/)?/, ''))] || m.url;
    const where = m.lastLine ? `line ${m.lastLine}${m.firstColumn ? `:${m.firstColumn}` : ''}` : 'document';
    const extract = m.extract ? `: ${m.extract.replace(/\s+/g, ' ').trim().slice(0, 100)}` : '';
    (out[label] = out[label] || []).push(`vnu ${where}: ${m.message}${extract}`);
  }
  return out;
}

module.exports = { vnu };
