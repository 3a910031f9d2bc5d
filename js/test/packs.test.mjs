// The built-in packs travel beside the module as JSON files, not inside it: in Node every pack
// works as soon as it is named, in a browser a page fetches only the packs it loads, and the
// files are the very documents the native engine embeds (same digest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Engine, ArrearsError, builtinPolicies, loadPack, validatePolicy } from '../dist/node.js';
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';

const repo = new URL('../../', import.meta.url);
const hasBrowser = existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium');

test('every built-in pack decides in Node with no loading step', () => {
  for (const id of builtinPolicies()) {
    assert.equal(new Engine(id).policy.id, id);
    assert.equal(validatePolicy(id).valid, true, id);
  }
});

test('each shipped pack file is the document the native engine embeds', () => {
  for (const id of builtinPolicies()) {
    const shipped = readFileSync(new URL(`../dist/packs/${id}.json`, import.meta.url), 'utf8');
    assert.equal(shipped, readFileSync(new URL(`core/packs/${id}.json`, repo), 'utf8'), id);
  }
  // The digests the native engine gives for the packs it embeds (blessed with the corpus).
  const native = JSON.parse(readFileSync(new URL('tests/conformance/digests.json', repo), 'utf8'));
  const blessed = builtinPolicies().filter((id) => id in native);
  assert.ok(blessed.length >= 3, blessed.join(', '));
  for (const id of blessed) assert.equal(new Engine(id).policy.digest, native[id], id);
});

test('loadPack refuses an id that names no built-in pack, as the constructor does', async () => {
  await assert.rejects(loadPack('no-such-pack'), (e) => e instanceof ArrearsError && e.code === 'unknown_policy' && e.path === 'policy');
  await assert.rejects(loadPack('../../package'), (e) => e instanceof ArrearsError && e.code === 'unknown_policy');
  await loadPack('ph-sec');
});

test('a page fetches only the default pack until it loads another, then decides under it', { skip: !hasBrowser && 'no chromium' }, async () => {
  const { server, url } = await serve();
  const context = await launch();
  try {
    const page = await context.newPage();
    const fetched = [];
    page.on('request', (r) => {
      const m = r.url().match(/\/packs\/([a-z-]+)\.json$/);
      if (m) fetched.push(m[1]);
    });
    await page.goto(`${url}/examples/crm-widget/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
    const caseText = readFileSync(new URL('examples/cases/overdue-consumer-loan.json', repo), 'utf8');
    const r = await page.evaluate(async (caseText) => {
      const { Engine, loadPack } = await import('/js/dist/browser.js');
      const before = (() => {
        try {
          new Engine('in-rbi');
          return 'built';
        } catch (e) {
          return { code: e.code, path: e.path, detail: e.detail };
        }
      })();
      await loadPack('in-rbi');
      return { before, decision: new Engine('in-rbi').decideJson(caseText), policy: new Engine('in-rbi').policy.id };
    }, caseText);
    assert.equal(r.before.code, 'unknown_policy');
    assert.equal(r.before.path, 'policy');
    assert.match(r.before.detail, /loadPack\("in-rbi"\)/);
    assert.equal(r.policy, 'in-rbi');
    assert.equal(r.decision, new Engine('in-rbi').decideJson(caseText));
    assert.deepEqual([...new Set(fetched)].sort(), ['cn-microloan', 'in-rbi']);
  } finally {
    await context.close();
    server.close();
  }
});
