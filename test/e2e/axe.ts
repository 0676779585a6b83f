import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue } from 'axe-core';
import type { Page } from 'playwright-core';

/**
 * The accessibility check of the e2e run: axe-core, run inside the page as it stands, on every page
 * a test looks at. Serious and critical violations fail the test with what and where; lesser ones
 * (moderate, minor) are left to judgement.
 *
 * The script is evaluated through the DevTools protocol rather than added as a <script> tag, so
 * the app's Content-Security-Policy (no inline scripts) stays as it is in production.
 */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const FAILING: ImpactValue[] = ['serious', 'critical'];

export type AxeFinding = { id: string; impact: ImpactValue; help: string; targets: string[] };

/** The serious and critical violations on the page (its open frames of the same origin included). */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<AxeResults> } })
      .axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'minor',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  return results.filter((v) => FAILING.includes(v.impact));
}

/** Fails when the page has serious or critical accessibility violations; `where` names the page in the message. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const found = await axeViolations(page);
  if (found.length === 0) return;
  const lines = found.map((v) => `  ${v.impact} ${v.id}: ${v.help}\n    at ${v.targets.join('\n    at ')}`);
  throw new Error(`accessibility (axe-core) on ${where} (${page.url()}):\n${lines.join('\n')}`);
}
