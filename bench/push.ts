/**
 * Push: messages per second to 10,000 FCM tokens through the push stand-in (sims/push), end to end —
 * `ctx.push.marketing()` queues `push.send` jobs of 500 devices, pg-boss workers run them, each
 * device gets one FCM HTTP v1 call, at most PUSH_CONCURRENCY in flight — beside, in the same run and
 * at the same concurrency, the FCM adapter alone (no jobs, no database) and the ceiling: the same
 * number of raw `fetch` POSTs of the same body to the same stand-in.
 *
 *   node --import tsx bench/push.ts [--tokens=10000] [--concurrency=64] [--time-limit=180]
 *        [--backends=pglite,postgres]
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createLogger, createYeyak, type Yeyak } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { mapLimit } from '../src/platform/net/http.ts';
import { SIM_FCM_TOKEN } from '../src/platform/push/index.ts';
import type { Backend } from '../test/helpers.ts';
import { freshPostgres } from '../test/helpers.ts';
import {
  fmt,
  freePort,
  header,
  isMain,
  numFlag,
  selectedBackends,
  sleep,
  table,
  withTimeout,
} from './lib.ts';

type Row = { backend: Backend | '-'; what: string; messages: number; seconds: number; note: string };

const tokenOf = (i: number) => `bench-${String(i).padStart(6, '0')}:APA91b${'k'.repeat(140)}`;
const DAYTIME_KST = new Date('2026-12-03T03:00:00Z'); // 12:00 KST: nobody is held for the morning

async function run(backend: Backend, s: ReturnType<typeof settings>, sim: { url: string }) {
  let drop = async () => {};
  let databaseUrl: string | undefined;
  if (backend === 'postgres') ({ url: databaseUrl, drop } = await freshPostgres());
  const base = loadConfig({ YEYAK_DEMO: '0', LOG_LEVEL: 'warn' });
  const config = {
    ...base,
    dataDir: 'memory://',
    databaseUrl,
    push: {
      ...base.push,
      fcm: { projectId: 'bench', apiUrl: sim.url, accessToken: SIM_FCM_TOKEN },
      concurrency: s.concurrency,
    },
  };
  const y: Yeyak = await createYeyak(config, { http: false, logger: createLogger('warn'), modules: [] });
  await y.start();
  const rows: Row[] = [];
  const problems: string[] = [];
  try {
    const raw = y.ctx.database.raw;
    // Users, consents and devices straight in SQL: 10,000 sign-ups would only time the sign-ups.
    await raw(
      `insert into users (email, password_hash) select 'push' || g || '@bench.yeyak', 'x' from generate_series(1, $1) g`,
      [s.tokens],
    );
    await raw(
      `insert into push_consents (user_id, push, push_at, marketing, marketing_at)
       select id, true, now(), true, now() from users where email like 'push%@bench.yeyak'`,
    );
    await raw(
      `insert into push_devices (user_id, kind, address)
       select id, 'fcm', 'bench-' || lpad(substring(email from 5 for position('@' in email) - 5), 6, '0') || ':APA91b' || repeat('k', 140)
       from users where email like 'push%@bench.yeyak'`,
    );
    // Warm-up (JIT, keep-alive connections) so neither measured phase pays for it.
    const fcm = y.ctx.push.fcm();
    if (!fcm) throw new Error('no FCM sender');
    const warm = Array.from({ length: Math.min(500, s.tokens) }, (_, i) => tokenOf(i + 1));
    await mapLimit(warm, s.concurrency, (t) => fcm.send(t, { kind: 'warm-up', title: 'w', body: 'w' }));
    const before = { ...y.ctx.push.counts };
    const t0 = performance.now();
    const r = await y.ctx.push.marketing(
      { id: `bench-${backend}-${Date.now()}`, title: '벤치 / bench', body: 'ten thousand' },
      {},
      DAYTIME_KST,
    );
    if (r.now !== s.tokens) problems.push(`${backend}: campaign queued ${r.now} of ${s.tokens}`);
    const deadline = Date.now() + s.timeLimitS * 1000;
    const done = () => y.ctx.push.counts.sent - before.sent + (y.ctx.push.counts.failed - before.failed);
    while (done() < s.tokens && Date.now() < deadline) await sleep(20);
    const seconds = (performance.now() - t0) / 1000;
    const sent = y.ctx.push.counts.sent - before.sent;
    if (sent !== s.tokens) problems.push(`${backend}: ${sent} of ${s.tokens} sent in ${s.timeLimitS} s`);
    rows.push({
      backend,
      what: 'push.marketing → jobs → FCM v1',
      messages: sent,
      seconds,
      note: `${Math.ceil(s.tokens / 500)} jobs of ≤500, ${s.concurrency} in flight`,
    });

    // The adapter alone: the same sender, no queue, no database.
    const tokens = Array.from({ length: s.tokens }, (_, i) => tokenOf(i + 1));
    const t1 = performance.now();
    const outs = await mapLimit(tokens, s.concurrency, (t) =>
      fcm.send(t, { kind: 'bench', title: 'bench', body: 'x' }),
    );
    const direct = outs.filter((o) => o.status === 'sent').length;
    if (direct !== s.tokens) problems.push(`${backend}: adapter alone sent ${direct}`);
    rows.push({
      backend,
      what: 'FcmSender.send alone',
      messages: direct,
      seconds: (performance.now() - t1) / 1000,
      note: 'no jobs, no database',
    });
  } finally {
    await y.stop();
    await drop();
  }
  return { rows, problems };
}

/**
 * The stand-in in a process of its own (`yeyak sim push`), so it does not share an event loop with
 * the sender being measured; stopped by its own pid.
 */
async function spawnStandIn() {
  const port = await freePort();
  const cli = fileURLToPath(new URL('../src/cli/index.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'sim', 'push', `--port=${port}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  const url = await withTimeout(
    new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /stand-in push at (\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`stand-in exited (${code})`)));
    }),
    30_000,
    'push stand-in start',
  );
  return {
    url,
    close: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** The ceiling: raw POSTs of an FCM body to the stand-in, as fast as fetch sends them. */
async function ceiling(s: ReturnType<typeof settings>, url: string): Promise<Row> {
  const endpoint = `${url}/v1/projects/bench/messages:send`;
  const tokens = Array.from({ length: s.tokens }, (_, i) => tokenOf(i + 1));
  const t0 = performance.now();
  const codes = await mapLimit(tokens, s.concurrency, async (token) => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SIM_FCM_TOKEN}` },
      body: JSON.stringify({
        message: { token, notification: { title: 'bench', body: 'x' }, data: { kind: 'bench' } },
      }),
    });
    await res.text();
    return res.status;
  });
  return {
    backend: '-',
    what: 'raw fetch POST (ceiling)',
    messages: codes.filter((c) => c === 200).length,
    seconds: (performance.now() - t0) / 1000,
    note: `${s.concurrency} in flight`,
  };
}

function settings() {
  return {
    tokens: numFlag('tokens', 10_000),
    concurrency: numFlag('concurrency', 64),
    timeLimitS: numFlag('time-limit', 180),
  };
}

export async function runPush(): Promise<boolean> {
  header('push: FCM messages/s to many tokens through the stand-in');
  const s = settings();
  console.log(`${s.tokens} FCM tokens, ${s.concurrency} requests in flight`);
  const sim = await spawnStandIn();
  const rows: Row[] = [];
  const problems: string[] = [];
  try {
    for (const backend of selectedBackends()) {
      console.log(`… ${backend}`);
      const r = await run(backend, s, sim);
      rows.push(...r.rows);
      problems.push(...r.problems);
    }
    console.log('… ceiling');
    rows.push(await ceiling(s, sim.url));
  } finally {
    await sim.close();
  }
  console.log();
  console.log(
    table(
      ['backend', 'what', 'messages', 's', 'messages/s', 'note'],
      rows.map((r) => [
        r.backend,
        r.what,
        r.messages,
        fmt(r.seconds, 2),
        fmt(r.messages / r.seconds, 0),
        r.note,
      ]),
    ),
  );
  for (const p of problems) console.log(`\nFAIL ${p}`);
  if (!problems.length) console.log('\nOK: every token got its message once.');
  return problems.length === 0;
}

if (isMain(import.meta.url)) {
  process.exitCode = (await runPush()) ? 0 : 1;
}
