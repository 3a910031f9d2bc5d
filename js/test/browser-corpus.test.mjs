// The whole corpus decided inside headless Chromium gives the native bytes (its claims are checked
// by `arrears corpus check` over these outputs in scripts/conformance.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { browserCorpus } from './browser-report.mjs';
import { maskDigests } from '../../tests/conformance/corpus.mjs';

test('the corpus in Chromium gives the native bytes', { skip: !existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium') && 'no chromium' }, async () => {
  const { cases, outputs } = await browserCorpus();
  assert.ok(cases.length >= 100);
  const differ = cases.filter((c, i) => `${maskDigests(outputs[i]).masked}\n` !== c.expected).map((c) => c.name);
  assert.deepEqual(differ, []);
});
