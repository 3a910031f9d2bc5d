// Debian's Chromium driven by playwright-core (no browser download), hermetic: a fresh profile
// and HOME in a temporary directory, and no background networking.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function launch() {
  const dir = mkdtempSync(join(tmpdir(), 'arrears-chromium-'));
  process.env.HOME = dir;
  process.env.XDG_CONFIG_HOME = join(dir, 'config');
  process.env.XDG_CACHE_HOME = join(dir, 'cache');
  return chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1100, height: 1400 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
