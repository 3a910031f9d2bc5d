// A corpus case's expected output from its two expected files (docs/conformance.md). The same
// join as the core's conformance::expected and expected.py; no dependencies.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The output (digest masked, with its newline) that expected.json and expected.prose were split
 * from: each `"@prose"` of the verdict, in order, replaced by the text after the first space of
 * the next line of the prose. Null when the placeholders and the lines are not as many.
 */
export function joinExpected(verdict, prose) {
  const texts = prose.split('\n').filter((l) => l !== '').map((l) => l.slice(l.indexOf(' ') + 1));
  const parts = verdict.split('"@prose"');
  if (parts.length !== texts.length + 1) return null;
  return parts.map((p, i) => p + (texts[i] ?? '')).join('');
}

/** The expected output of a case directory, its two files joined (null when they do not join). */
export function readExpected(caseDir) {
  return joinExpected(readFileSync(join(caseDir, 'expected.json'), 'utf8'), readFileSync(join(caseDir, 'expected.prose'), 'utf8'));
}
