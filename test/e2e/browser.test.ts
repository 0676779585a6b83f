import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers.ts';
import { bundledChromium, findChromium, launchBrowser } from './browser.ts';

/**
 * A bare machine has no Debian Chromium: the e2e tests then drive the Chromium shipped inside the
 * `@sparticuz/chromium` npm package. This runs that fallback on every machine, so it stays proven
 * where Debian's browser is installed too.
 */
let app: TestApp;

beforeAll(async () => {
  app = await startApp('pglite', {}, { serveWeb: true, env: { YEYAK_DEMO: '1' } });
});
afterAll(async () => {
  await app?.stop();
});

describe('the browser for e2e tests', () => {
  it('prefers Debian Chromium and otherwise the npm one', () => {
    const install = findChromium();
    expect(install.executablePath).toBeTruthy();
    expect(
      ['debian', 'CHROMIUM_PATH'].includes(install.source) || install.source.startsWith('@sparticuz'),
    ).toBe(true);
  });

  it('the npm-shipped Chromium renders the web app, Korean included', async () => {
    const browser = await launchBrowser(bundledChromium());
    try {
      const page = await browser.newPage({ locale: 'ko-KR' });
      await page.goto(`${app.url}/`);
      await page.getByTestId('event-card').first().waitFor();
      expect(await page.getByTestId('event-card').count()).toBeGreaterThan(0);
      expect(browser.version()).toMatch(/^\d+\./);
    } finally {
      await browser.close();
    }
  });
});
