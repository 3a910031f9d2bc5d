// The CRM widget in headless Chromium: what the page shows must match the engine's decision for
// the same case in the conformance corpus (decided natively, not by the page), so a widget that
// shows a wrong stage, next action or verdict fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';
import { readExpected } from '../../tests/conformance/expected.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const hasBrowser = existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium');
let server, url, context;

before(async () => {
  if (!hasBrowser) return;
  ({ server, url } = await serve());
  context = await launch();
});
after(async () => {
  await context?.close();
  server?.close();
});

const expected = (corpusCase) => JSON.parse(readExpected(`${repo}/tests/conformance/cases/${corpusCase}`));

const SAMPLES = [
  ['cn-spring-festival.json', 'cn-spring-festival-2026-02-16'],
  ['cn-lost-contact.json', 'cn-guideline-lost-contact-after-failures-on-two-days'],
  ['us-two-zones.json', 'us-two-zones-intersection-evening'],
  ['us-deceased.json', 'us-status-deceased-estate'],
];

for (const [sample, corpusCase] of SAMPLES) {
  test(`widget shows the engine's decision for ${sample}`, { skip: !hasBrowser && 'no /usr/bin/chromium' }, async () => {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${url}/examples/crm-widget/?sample=${sample}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
    const d = expected(corpusCase);
    assert.deepEqual(errors, []);
    assert.equal(await page.getAttribute('#stage', 'data-stage'), d.delinquency.stage.id, 'stage badge');
    assert.equal(await page.textContent('#stage'), d.delinquency.stage.label);
    assert.equal(await page.textContent('#account-id'), d.account_id);
    const verdicts = await page.$$eval('#actions > li', (lis) => lis.map((li) => li.dataset.allowed === 'true'));
    assert.deepEqual(verdicts, d.actions.map((a) => a.allowed), 'one row per candidate, same verdicts');
    const rules = await page.$$eval('#actions .rule', (xs) => xs.map((x) => x.textContent));
    for (const a of d.actions) for (const b of a.blocked_by) assert.ok(rules.includes(b.rule), `shows ${b.rule}`);
    const next = await page.textContent('#next-action');
    if (d.next_action) assert.ok(next.startsWith(d.next_action.action.replaceAll('_', ' ')), next);
    else assert.equal(next, 'Nothing can be done');
    const parties = await page.$$eval('#disclosures .party', (xs) => xs.map((x) => x.textContent));
    assert.deepEqual(parties, d.disclosures.map((p) => p.party));
    await page.close();
  });
}

test('widget reports a bad pasted case as an error, not a crash', { skip: !hasBrowser && 'no /usr/bin/chromium' }, async () => {
  const page = await context.newPage();
  await page.goto(`${url}/examples/crm-widget/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#paste-box summary');
  await page.fill('#paste', JSON.stringify({ as_of: '2026-03-10T14:30:00', account: {}, borrower: {} }));
  await page.click('#decide-pasted');
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /^(invalid_field|unknown_field) at /);
  await page.close();
});

// The policies a page may run under. The module is compiled by `WebAssembly.instantiate*`, which a
// Content-Security-Policy allows only with 'wasm-unsafe-eval' (js/README.md says so): the widget
// works with it and fails, with the browser's CompileError, without it.
for (const [scriptSrc, works] of [["'self' 'wasm-unsafe-eval'", true], ["'self'", false]]) {
  test(`widget under Content-Security-Policy script-src ${scriptSrc}`, { skip: !hasBrowser && 'no /usr/bin/chromium' }, async () => {
    const { server: strict, url: strictUrl } = await serve({ csp: `script-src ${scriptSrc}` });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      await page.goto(`${strictUrl}/examples/crm-widget/`);
      if (works) {
        await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
        assert.deepEqual(errors, []);
      } else {
        await page.waitForEvent('pageerror', { timeout: 20000 }).catch(() => {});
        assert.match(errors.join('\n'), /CompileError|wasm-unsafe-eval|unsafe-eval/);
        assert.equal(await page.getAttribute('body', 'data-ready'), null);
      }
    } finally {
      await page.close();
      strict.close();
    }
  });
}

// Opened from disk, the page cannot fetch its module scripts or the .wasm (a file:// page has no
// origin): js/README.md tells users to serve it instead. This pins down that trap.
test('widget opened as a file:// page does not start (it must be served)', { skip: !hasBrowser && 'no /usr/bin/chromium' }, async () => {
  const page = await context.newPage();
  const failed = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') failed.push(m.text()); });
  await page.goto(`file://${repo}examples/crm-widget/index.html`);
  await page.waitForTimeout(1500);
  assert.equal(await page.getAttribute('body', 'data-ready'), null);
  assert.ok(failed.length > 0, 'the browser reported the blocked loads');
  await page.close();
});
