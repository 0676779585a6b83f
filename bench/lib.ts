/** Small shared helpers for the benchmarks: flags, percentiles, tables, ports, bounded waits. */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../test/helpers.ts';

/**
 * A numeric setting from `--name=value` on the command line, else the env var BENCH_<NAME>
 * (upper case, dashes as underscores), else the default.
 */
export function numFlag(name: string, fallback: number, argv = process.argv.slice(2)): number {
  const raw = strFlag(name, argv);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return n;
}

export function strFlag(name: string, argv = process.argv.slice(2)): string | undefined {
  const prefix = `--${name}=`;
  const arg = argv.find((a) => a.startsWith(prefix));
  if (arg) return arg.slice(prefix.length);
  const env = process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  return env === undefined || env === '' ? undefined : env;
}

export function boolFlag(name: string, argv = process.argv.slice(2)): boolean {
  if (argv.includes(`--${name}`)) return true;
  const v = strFlag(name, argv);
  return v === '1' || v === 'true' || v === 'yes';
}

/** PGlite always, PostgreSQL when DATABASE_URL is set; `--backends=pglite` narrows it. */
export function selectedBackends(): Backend[] {
  const all: Backend[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  const want = strFlag('backends');
  if (!want) return all;
  const list = want.split(',').map((s) => s.trim());
  for (const b of list) {
    if (b !== 'pglite' && b !== 'postgres') throw new Error(`unknown backend "${b}"`);
    if (b === 'postgres' && !process.env.DATABASE_URL) throw new Error('postgres needs DATABASE_URL');
  }
  return list as Backend[];
}

/** Percentile (0..100) of an ascending sorted array, nearest rank. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A plain-text table with right-aligned numbers, for terminals and the README. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  // Columns of numbers align right; text columns left.
  const numeric = header.map((_, i) =>
    cells.slice(1).every((r) => /^[-+]?[\d,.]+( ?(%|ms|s))?$|^-?$/.test(r[i] ?? '')),
  );
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => `${'-'.repeat(w + 1)}${numeric[i] ? ':' : '-'}`).join('|')}|`;
  return [line(cells[0]), sep, ...cells.slice(1).map(line)].join('\n');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rejects after ms so no step of a benchmark can hang forever. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** A free TCP port on 127.0.0.1 (the OS picks; released before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** True when the module at `url` is the script node was started with (so it runs alone). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(url) === process.argv[1];
}

export function header(title: string) {
  const when = new Date().toISOString();
  console.log(`\n## ${title}  (${when}, node ${process.version})\n`);
}
