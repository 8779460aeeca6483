// SPDX-License-Identifier: Apache-2.0
// The run's findings: each check passes or fails with lines that say what to
// fix (rule, selector, page), printed as they come and summed up at the end.
'use strict';

const results = [];

function pass(name) {
  results.push({ name, ok: true });
  console.log(`ok    ${name}`);
}

function fail(name, lines) {
  results.push({ name, ok: false, lines });
  console.log(`FAIL  ${name}`);
  for (const line of lines) console.log(`      ${line}`);
}

// A check's outcome from the problems it found: none is a pass.
function check(name, problems) {
  if (problems.length === 0) pass(name);
  else fail(name, problems);
  return problems.length === 0;
}

function summary() {
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    console.log('\nFailed checks:');
    for (const r of failed) console.log(`  ${r.name}`);
  }
  // The plain closing line that test runners are read by.
  console.log(`\n${results.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0;
}

function counts() {
  const failed = results.filter((r) => !r.ok).length;
  return { passed: results.length - failed, failed };
}

module.exports = { pass, fail, check, summary, counts, results };
