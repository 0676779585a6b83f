/**
 * kill -9 in the middle of a poll: the real `yeyak serve` in its own process is killed with SIGKILL
 * while its poll's search is in flight; a new process on the same data polls the watched search
 * again within one poll interval of being up (before: only once pg-boss expired the dead job).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RailSim } from '../../sims/rail/server.ts';
import { loadConfig } from '../../src/config.ts';
import type { TrainView } from '../../src/modules/rail/service.ts';
import { login, startApp } from '../helpers.ts';
import { dayAhead, MEMBER, sim } from './setup.ts';

const POLL_MS = 3000;
const SECRET = 'kill-restart-test-secret-0123456789abcdef';
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });

async function until(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out: ${what}`);
}

describe('rail polls after kill -9', () => {
  it('a new process polls the watched search within one poll interval', async () => {
    const s: RailSim = await sim({ blockThreshold: 100_000 });
    const dir = mkdtempSync(join(tmpdir(), 'yeyak-kill-'));
    cleanups.push(
      () => s.close(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    const rail = {
      ...loadConfig({}).rail,
      sandbox: false,
      secret: SECRET,
      srtUrl: s.url,
      korailUrl: s.url,
      netfunnelUrl: s.netfunnelUrl,
      pollMs: POLL_MS,
      jitterMs: 0,
    };
    // The watch is made by an in-process yeyak on the data folder, which then stops cleanly.
    const t = await startApp('pglite', { dataDir: dir, rail }, { pollingIntervalSeconds: 0.5 });
    const u = await login(t);
    expect((await u.api.put('/api/rail/accounts/srt', MEMBER)).status).toBe(200);
    const date = dayAhead(s, 6);
    const found = await u.api.post<{ trains: TrainView[] }>('/api/rail/search', {
      provider: 'srt',
      from: '수서',
      to: '동대구',
      date,
      time: '18:00',
    });
    const train = found.body.data?.trains.at(-1) as TrainView;
    s.seedSoldOut('srt', date, Number(train.trainNo));
    const created = await u.api.post('/api/rail/watches', {
      provider: 'srt',
      from: '수서',
      to: '동대구',
      date,
      trainNo: train.trainNo,
      passengers: { adult: 1 },
    });
    expect(created.status).toBe(201);
    await t.stop();

    const serve = async (): Promise<{ child: ChildProcess; port: number; log: () => string }> => {
      const port = await freePort();
      let log = '';
      const child = spawn(join(process.cwd(), 'bin/yeyak'), ['serve'], {
        env: {
          ...process.env,
          PORT: String(port),
          YEYAK_DATA: dir,
          DATABASE_URL: '',
          AMQP_URL: '',
          RAIL_SANDBOX: 'false',
          RAIL_SECRET: SECRET,
          RAIL_SRT_URL: s.url,
          RAIL_KORAIL_URL: s.url,
          RAIL_NETFUNNEL_URL: s.netfunnelUrl,
          RAIL_POLL_MS: String(POLL_MS),
          RAIL_JITTER_MS: '0',
          LOG_LEVEL: 'warn',
        },
      });
      child.stdout?.on('data', (d: Buffer) => {
        log += d.toString();
      });
      child.stderr?.on('data', (d: Buffer) => {
        log += d.toString();
      });
      cleanups.push(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      return { child, port, log: () => log };
    };
    const healthy = async (port: number) => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200;
      } catch {
        return false;
      }
    };

    // First process: its poll's search hangs at the operator, and the process is killed meanwhile.
    s.setSearchDelay(60_000);
    const a = await serve();
    const before = s.searchesArrived();
    await until(() => s.searchesArrived() > before, 120_000, `a first poll\n${a.log()}`);
    const gone = new Promise((r) => a.child.once('exit', r));
    a.child.kill('SIGKILL');
    await gone;
    s.setSearchDelay(0);

    // Second process on the same data: how long until the watched search is polled again.
    const b = await serve();
    const spawned = Date.now();
    await until(() => healthy(b.port), 120_000, `the second process\n${b.log()}`);
    const up = Date.now();
    const seen = s.searchesArrived();
    await until(() => s.searchesArrived() > seen, 200_000, `a poll after the restart\n${b.log()}`);
    const polled = Date.now();
    console.log(
      `kill -9 then restart: next poll ${polled - up} ms after /health answered (${polled - spawned} ms after spawn); poll interval ${POLL_MS} ms`,
    );
    expect(polled - up).toBeLessThan(POLL_MS + 2000);
    b.child.kill('SIGTERM');
  }, 400_000);
});
