import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, startSmtp } from '../helpers.ts';

/**
 * The built server (dist/, plain JavaScript: no TypeScript compiled at run time) started with the
 * environment compose.yaml gives its servers, the compose hosts swapped for this machine's services:
 * PostgreSQL and RabbitMQ when the suite has them, else the embedded defaults; a local SMTP server
 * for Mailpit. It migrates, serves the web app and the API, and stops cleanly on SIGTERM.
 */

const root = process.cwd();
const entry = join(root, 'dist/src/cli/index.js');

/** The `x-yeyak-env` block of compose.yaml, as KEY → value. */
function composeEnv(): Record<string, string> {
  const text = readFileSync(join(root, 'compose.yaml'), 'utf8');
  const block = /^x-yeyak-env: &yeyak-env\n((?: {2}.+\n)+)/m.exec(text)?.[1];
  if (!block) throw new Error('compose.yaml has no x-yeyak-env block');
  return Object.fromEntries(
    block
      .trimEnd()
      .split('\n')
      .map((line) => {
        const m = /^ {2}([A-Z_]+): (.*)$/.exec(line);
        if (!m) throw new Error(`compose.yaml: cannot read ${line}`);
        return [m[1], m[2].replace(/^"(.*)"$/, '$1')];
      }),
  );
}

function newestUnder(dir: string): number {
  const r = spawnSync('find', [dir, '-type', 'f', '-newer', join(root, 'dist/.built')], { encoding: 'utf8' });
  return r.stdout.trim() ? Number.POSITIVE_INFINITY : 0;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe('the built server with the compose environment', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let dropDb = async () => {};
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let child: ChildProcess | undefined;
  let port: number;

  beforeAll(async () => {
    // Build unless dist/ is already at least as new as the sources.
    const stale = !existsSync(join(root, 'dist/.built')) || newestUnder('src') > 0 || newestUnder('sims') > 0;
    if (stale) {
      const build = spawnSync('npm', ['run', 'build:server', '--silent'], { cwd: root, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
    }
    smtp = await startSmtp();
    dataDir = mkdtempSync(join(tmpdir(), 'yeyak-built-'));
    port = await freePort();
    const compose = composeEnv();
    // The same variables, pointed at what this machine has.
    const wanted: Record<string, string | undefined> = {
      ...compose,
      SMTP_URL: smtp.url,
      YEYAK_SECRET: randomBytes(24).toString('hex'),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: undefined,
      AMQP_URL: process.env.AMQP_URL,
      AMQP_NAMESPACE: 'yeyak-built-test',
    };
    if (process.env.DATABASE_URL) {
      const fresh = await freshPostgres();
      wanted.DATABASE_URL = fresh.url;
      dropDb = fresh.drop;
    }
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      YEYAK_DATA: dataDir,
    };
    for (const [k, v] of Object.entries(wanted)) if (v !== undefined) env[k] = v;
  }, 300_000);

  afterAll(async () => {
    child?.kill('SIGKILL');
    await smtp?.close();
    await dropDb();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads every variable compose.yaml sets', () => {
    const compose = composeEnv();
    expect(Object.keys(compose)).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'AMQP_URL', 'SMTP_URL', 'YEYAK_SECRET', 'PUBLIC_URL']),
    );
    // The secret comes from .env, never from the file.
    expect(compose.YEYAK_SECRET).toMatch(/^\$\{YEYAK_SECRET:\?/);
  });

  it('migrates, serves the web app and the API from dist/, and exits 0 on SIGTERM', async () => {
    expect(statSync(entry).isFile()).toBe(true);
    const migrate = spawnSync(process.execPath, [entry, 'migrate'], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(migrate.status, migrate.stderr).toBe(0);
    expect(migrate.stdout).toMatch(/migrations applied/);

    const proc = spawn(process.execPath, [entry, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    proc.stdout?.on('data', (d) => (output += d));
    proc.stderr?.on('data', (d) => (output += d));
    const base = `http://127.0.0.1:${port}`;
    const started = Date.now();
    let healthy = false;
    while (!healthy && Date.now() - started < 90_000) {
      healthy = await fetch(`${base}/health`)
        .then((r) => r.ok)
        .catch(() => false);
      if (!healthy) await new Promise((r) => setTimeout(r, 250));
    }
    expect(healthy, output).toBe(true);
    const health = (await (await fetch(`${base}/health`)).json()) as {
      data: { database: { kind: string }; broker: { kind: string }; mail: { kind: string } };
    };
    expect(health.data.database.kind).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    expect(health.data.broker.kind).toBe(process.env.AMQP_URL ? 'amqp' : 'in-process');
    expect(health.data.mail.kind).toBe('smtp');
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const events = await fetch(`${base}/api/events`);
    expect(events.status).toBe(200);

    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
  }, 240_000);
});
