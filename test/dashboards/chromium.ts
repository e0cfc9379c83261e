// Real Chromium for the dashboard tests: Debian's /usr/bin/chromium (installed by
// `scripts/setup.mjs --browser`) driven by playwright-core. The background-networking flags keep
// it from calling home on a machine without internet; each launch gets a fresh profile
// (playwright passes it as --user-data-dir).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export type Browser = BrowserContext;

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(viewport = { width: 1100, height: 900 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'thongke-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
