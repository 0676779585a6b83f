/**
 * Start-up time and idle memory of `./bin/yeyak serve`: time from spawn to the first 200 from
 * GET /health, for a fresh data folder (PGlite initdb + migrations + demo data) and for a second
 * start on the same folder; then, after some idle seconds, VmRSS of the server's node process.
 * The same against PostgreSQL (a fresh database) when DATABASE_URL is set. Each start runs twice:
 * the built server (dist/, built first when older than the sources) and the sources through tsx
 * (YEYAK_FROM_SOURCE=1), so the table shows what the build saves.
 *
 *   node --import tsx bench/startup.ts [--idle=5] [--backends=pglite,postgres] [--code=built,source]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type Backend, freshPostgres } from '../test/helpers.ts';
import { fmt, freePort, header, isMain, numFlag, selectedBackends, sleep, strFlag, table } from './lib.ts';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const bin = join(root, 'bin/yeyak');

export type Code = 'built' | 'source';

export type StartRun = {
  backend: Backend;
  code: Code;
  start: 'first (fresh)' | 'second (same data)';
  healthyMs: number;
  rssMiB: number;
  hwmMiB: number;
  threads: number;
  childProcesses: number;
  exitCode: number | null;
  stopMs: number;
  portFree: boolean;
};

function procStatus(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

const kib = (v: string | undefined) => Number((v ?? '0').replace(/\s*kB$/, ''));

/** Child processes of pid (a wrapper would show up here, or as a non-node pid). */
function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) kids.push(...text.split(/\s+/).map(Number));
    } catch {
      // the thread ended meanwhile
    }
  }
  return kids;
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.setTimeout(1000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** Starts the server, waits for a healthy /health, idles, measures, stops with SIGTERM. */
async function oneStart(
  backend: Backend,
  code: Code,
  start: StartRun['start'],
  dataDir: string,
  databaseUrl: string | undefined,
  idleS: number,
): Promise<StartRun> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    YEYAK_DATA: dataDir,
    YEYAK_DEMO: '1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl ?? '',
    AMQP_URL: '',
    SMTP_URL: '',
    YEYAK_FROM_SOURCE: code === 'source' ? '1' : '',
  };
  const t0 = performance.now();
  const proc: ChildProcess = spawn(bin, ['serve'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  try {
    let healthyMs = Number.NaN;
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline && !done) {
      if (await healthy(port)) {
        healthyMs = performance.now() - t0;
        break;
      }
      await sleep(25);
    }
    if (!Number.isFinite(healthyMs)) throw new Error(`yeyak serve did not become healthy: ${stderr}`);
    await sleep(idleS * 1000);
    const pid = proc.pid;
    if (pid === undefined) throw new Error('no pid');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    if (!/node$/.test(cmdline[0] ?? '') || !cmdline.some((a) => a.endsWith('bin/yeyak'))) {
      throw new Error(`pid ${pid} is not the node server: ${cmdline.join(' ')}`);
    }
    const st = procStatus(pid);
    const kids = childrenOf(pid);
    const t1 = performance.now();
    proc.kill('SIGTERM');
    const ended = await Promise.race([exited, sleep(20_000).then(() => 'late' as const)]);
    let exitCode: number | null;
    if (ended === 'late') {
      proc.kill('SIGKILL');
      exitCode = await exited;
    } else exitCode = ended;
    const stopMs = performance.now() - t1;
    return {
      backend,
      code,
      start,
      healthyMs,
      rssMiB: kib(st.VmRSS) / 1024,
      hwmMiB: kib(st.VmHWM) / 1024,
      threads: Number(st.Threads),
      childProcesses: kids.length,
      exitCode,
      stopMs,
      portFree: !(await portOpen(port)),
    };
  } finally {
    if (!done) {
      proc.kill('SIGKILL');
      await exited;
    }
  }
}

/** Builds dist/ unless it is at least as new as every source file (bin/yeyak's own rule). */
function ensureBuilt() {
  const stamp = join(root, 'dist', '.built');
  const stale =
    !existsSync(stamp) ||
    spawnSync('find', ['src', 'sims', '-type', 'f', '-newer', stamp], {
      cwd: root,
      encoding: 'utf8',
    }).stdout.trim() !== '';
  if (!stale) return;
  console.log('… building dist/ (npm run build:server)');
  const r = spawnSync('npm', ['run', 'build:server', '--silent'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build:server failed');
}

export async function runStartup(): Promise<boolean> {
  header('start-up time and idle memory of `yeyak serve`');
  const idleS = numFlag('idle', 5);
  console.log(
    `spawn ${bin} serve (YEYAK_DEMO=1, LOG_LEVEL=warn), poll /health every 25 ms, idle ${idleS} s, read /proc/<pid>/status`,
  );
  const codes = (strFlag('code') ?? 'built,source').split(',').map((c) => c.trim()) as Code[];
  if (codes.includes('built')) ensureBuilt();
  const runs: StartRun[] = [];
  for (const backend of selectedBackends()) {
    for (const code of codes) {
      const dataDir = mkdtempSync(join(tmpdir(), 'yeyak-bench-'));
      const pgdb = backend === 'postgres' ? await freshPostgres() : undefined;
      try {
        for (const start of ['first (fresh)', 'second (same data)'] as const) {
          console.log(`… ${backend}, ${code}: ${start}`);
          runs.push(await oneStart(backend, code, start, dataDir, pgdb?.url, idleS));
        }
      } finally {
        await pgdb?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  console.log();
  console.log(
    table(
      [
        'backend',
        'code',
        'start',
        'to healthy ms',
        `RSS MiB (idle ${idleS} s)`,
        'peak RSS MiB',
        'threads',
        'child procs',
        'SIGTERM→exit ms',
        'exit code',
        'port free',
      ],
      runs.map((r) => [
        r.backend,
        r.code,
        r.start,
        fmt(r.healthyMs),
        fmt(r.rssMiB, 1),
        fmt(r.hwmMiB, 1),
        r.threads,
        r.childProcesses,
        fmt(r.stopMs),
        String(r.exitCode),
        r.portFree ? 'yes' : 'NO',
      ]),
    ),
  );
  const ok = runs.every((r) => r.exitCode === 0 && r.portFree);
  if (!ok) console.log('\nFAIL: a server did not exit cleanly on SIGTERM or left its port open');
  return ok;
}

if (isMain(import.meta.url)) {
  process.exitCode = (await runStartup()) ? 0 : 1;
}
