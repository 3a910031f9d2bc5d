// The whole corpus decided inside headless Chromium gives the native bytes, and every case's
// claims hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { browserCorpus } from './browser-report.mjs';

test('the corpus in Chromium gives the native bytes', { skip: !existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium') && 'no chromium' }, async () => {
  const r = await browserCorpus();
  assert.ok(r.cases >= 100);
  assert.deepEqual(r.differ, []);
  assert.deepEqual(r.failed_claims, []);
  assert.ok(r.claims >= 2 * r.cases);
});
