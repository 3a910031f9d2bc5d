// `npm pack` gives a tarball that installs into an empty project and works there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const js = fileURLToPath(new URL('..', import.meta.url));
const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd }).toString();

test('the packed tarball installs into an empty project and decides', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arrears-pack-'));
  // One pack (its prepack builds the package): its JSON report names the tarball and its files.
  const [report] = JSON.parse(npm(['pack', '--pack-destination', dir, '--json', '--silent'], js));
  const tarball = report.filename;
  const files = report.files.map((f) => f.path);
  assert.ok(files.includes('dist/pkg/arrears_bg.wasm') && files.includes('dist/index.d.ts'), files.join(', '));
  assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('node_modules/')), 'only dist/ is shipped');
  // The built-in packs travel beside the module, not inside it.
  for (const id of ['cn-microloan', 'us-reg-f', 'id-ojk', 'ph-sec', 'in-rbi']) assert.ok(files.includes(`dist/packs/${id}.json`), `no dist/packs/${id}.json`);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'empty', private: true, type: 'module' }));
  npm(['install', join(dir, tarball)], dir);
  const sample = readFileSync(new URL('../../examples/cases/overdue-consumer-loan.json', import.meta.url), 'utf8');
  writeFileSync(join(dir, 'use.mjs'), `
    import { Engine } from 'arrears';
    const d = new Engine('cn-microloan').decide(${sample});
    console.log(d.delinquency.stage.id, d.delinquency.days_past_due, new Engine('in-rbi').policy.id);
  `);
  assert.equal(execFileSync(process.execPath, ['use.mjs'], { cwd: dir }).toString().trim(), 'late 23 in-rbi');
});
