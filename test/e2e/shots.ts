import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { expectAccessible } from './axe.ts';

export type ShotOptions = {
  /** The whole page (default) or only what the viewport shows. */
  fullPage?: boolean;
  /** Where to scroll first: the top (default; a full-page picture of a scrolled page draws the sticky
   * header mid-page), the bottom (chats), or nowhere (a dialog or an element scrolled into view). */
  at?: 'top' | 'bottom' | 'here';
  /** Wait this long instead of for network idle (pages that poll are never idle). */
  settleMs?: number;
};

/**
 * Every e2e screenshot, and with it the accessibility check: each page a test pictures is also run
 * through axe-core, so "every page checked" follows from "every page looked at".
 */
export function shooter(dir: string, defaults: ShotOptions = {}) {
  mkdirSync(dir, { recursive: true });
  return async (page: Page, name: string, options: ShotOptions | boolean = {}) => {
    const o = { ...defaults, ...(typeof options === 'boolean' ? { fullPage: options } : options) };
    const fullPage = o.fullPage ?? true;
    if (o.settleMs !== undefined) await page.waitForTimeout(o.settleMs);
    else await page.waitForLoadState('networkidle').catch(() => undefined);
    const at = o.at ?? (fullPage ? 'top' : 'here');
    if (at === 'top') await page.evaluate(() => window.scrollTo(0, 0));
    if (at === 'bottom') await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.screenshot({ path: resolve(dir, `${name}.png`), fullPage });
    // Stand-ins of outside services (/sim/…) copy someone else's page; only yeyak's own are checked.
    if (!new URL(page.url()).pathname.startsWith('/sim/')) await expectAccessible(page, name);
  };
}
