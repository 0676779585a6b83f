/**
 * Reserve latency while ticket mails are rendered and sent by the same server process.
 *
 * A burst of B reservations (8 clients) queues B ticket mails; right after it, one client sends
 * sequential probe reserves (a pause of --gap ms between them) while the mails go out. Reported:
 * p50/p99/max of the probes that finished while burst mails were still outstanding, and the mails/s
 * the burst drained at. The ceiling, in the same run: the same server started without event
 * workers (`--no-workers`: no mail work at all), same burst, same probes.
 *
 * Three processes keep the measurement clean: the yeyak server (child), a counting SMTP sink
 * (child; it parses nothing) and this load generator.
 *
 *   node --import tsx bench/mail-latency.ts [--burst=400] [--probes=200] [--gap=20] [--backends=pglite,postgres]
 *        [--cpu-prof-dir=DIR]   (a V8 CPU profile of each server child, for finding the hot frames)
 *
 * With DATABASE_URL set, PostgreSQL runs too, with RabbitMQ (AMQP_URL, default
 * amqp://guest:guest@127.0.0.1:5672) as the broker; PGlite uses the in-process broker.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { type Backend, createEvent, deleteAmqpNamespace, login, startApp } from '../test/helpers.ts';
import {
  fmt,
  header,
  isMain,
  numFlag,
  percentile,
  selectedBackends,
  sleep,
  strFlag,
  table,
  withTimeout,
} from './lib.ts';

type Settings = { burst: number; probes: number; gapMs: number; warmup: number };
const settings = (): Settings => ({
  burst: numFlag('burst', 400),
  probes: numFlag('probes', 200),
  gapMs: numFlag('gap', 20),
  warmup: numFlag('warmup', 30),
});

type Ready = { type: 'ready'; url: string; tokens: string[]; burstTypeId: string; probeTypeId: string };
type Count = { type: 'count'; count: number };
type FromChild = Ready | Count | { type: 'smtp'; url: string };

// ------------------------------------------------------------------ children

async function serverChild() {
  const backend = strFlag('backend') as Backend;
  const workers = !process.argv.includes('--no-workers');
  const s = settings();
  setTimeout(() => process.exit(3), 900_000).unref();
  const namespace = strFlag('amqp-namespace');
  const t = await startApp(
    backend,
    { smtpUrl: strFlag('smtp'), amqpUrl: namespace ? amqpUrl() : undefined, amqpNamespace: namespace },
    { workers },
  );
  const organizer = await login(t, 'organizer');
  const ev = await createEvent(organizer.api, {
    ticketTypes: [
      { name: 'R석', price: 50_000, quota: s.burst },
      { name: 'S석', price: 30_000, quota: s.probes + s.warmup },
    ],
  });
  const tokens: string[] = [];
  for (let i = 0; i < 8; i++) tokens.push((await login(t, 'user')).token);
  const [burst, probe] = ev.showtimes[0].ticketTypes;
  const consumers = t.y.consumers.map((c) => c.name);
  process.on('message', (m: { type: 'stop' }) => {
    if (m.type !== 'stop') return;
    void t
      .stop()
      .then(() => (namespace ? deleteAmqpNamespace(amqpUrl(), namespace, consumers) : undefined))
      .finally(() => process.exit(0));
  });
  process.send?.({ type: 'ready', url: t.url, tokens, burstTypeId: burst.id, probeTypeId: probe.id });
}

/** An SMTP server that accepts and counts; parsing would cost this machine's shared cores. */
async function smtpChild() {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        count++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.on('message', (m: { type: 'count' | 'stop' }) => {
    if (m.type === 'count') process.send?.({ type: 'count', count });
    else server.close(() => process.exit(0));
  });
  process.send?.({ type: 'smtp', url: `smtp://127.0.0.1:${port}` });
}

const amqpUrl = () => process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

class Child {
  private waiters: ((m: FromChild) => void)[] = [];
  private readonly exited: Promise<number | null>;
  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: FromChild) => this.waiters.shift()?.(m));
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }
  static fork(args: string[], execArgv: string[] = []) {
    return new Child(
      fork(fileURLToPath(import.meta.url), args, {
        execArgv: ['--import', 'tsx', ...execArgv],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
  }
  next<T extends FromChild>(ms = 180_000): Promise<T> {
    return withTimeout(
      new Promise<T>((resolve, reject) => {
        this.waiters.push((m) => resolve(m as T));
        void this.exited.then((code) => reject(new Error(`child exited (${code})`)));
      }),
      ms,
      'bench child',
    );
  }
  ask<T extends FromChild>(m: object): Promise<T> {
    const answer = this.next<T>();
    this.proc.send(m);
    return answer;
  }
  async stop() {
    if (this.proc.exitCode !== null) return;
    this.proc.send({ type: 'stop' });
    const code = await Promise.race([this.exited, sleep(60_000).then(() => 'timeout' as const)]);
    if (code === 'timeout') this.proc.kill('SIGKILL');
  }
}

// ------------------------------------------------------------------ the load generator

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function reserve(url: string, token: string, ticketTypeId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ ticketTypeId, quantity: 1 });
    const req = http.request(
      `${url}/api/reservations`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export type LatencyRun = {
  backend: Backend;
  workers: boolean;
  probes: number;
  p50: number;
  p99: number;
  max: number;
  mailsPerS: number;
  problems: string[];
};

async function phase(backend: Backend, workers: boolean, smtp: Child, smtpUrl: string): Promise<LatencyRun> {
  const s = settings();
  const problems: string[] = [];
  const profileDir = strFlag('cpu-prof-dir');
  const namespace = backend === 'postgres' ? `yeyak-bench-${randomBytes(4).toString('hex')}` : undefined;
  const server = Child.fork(
    [
      '--child=server',
      `--backend=${backend}`,
      `--smtp=${smtpUrl}`,
      `--burst=${s.burst}`,
      `--probes=${s.probes}`,
      `--warmup=${s.warmup}`,
      ...(namespace ? [`--amqp-namespace=${namespace}`] : []),
      ...(workers ? [] : ['--no-workers']),
    ],
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  try {
    const ready = await server.next<Ready>();
    const delivered = async () => (await smtp.ask<Count>({ type: 'count' })).count;
    const base = await delivered();
    const expect = (status: number) => {
      if (status !== 201) problems.push(`reserve answered ${status}`);
    };
    // Warm up the server (JIT, pools, the first mails) and let those mails go out first.
    for (let i = 0; i < s.warmup; i++) expect(await reserve(ready.url, ready.tokens[0], ready.probeTypeId));
    if (workers) {
      const until = Date.now() + 120_000;
      while ((await delivered()) - base < s.warmup && Date.now() < until) await sleep(50);
    }
    // The burst: B mails queued as fast as 8 clients can buy.
    let next = 0;
    const burstStart = performance.now();
    await Promise.all(
      ready.tokens.map(async (token) => {
        while (next < s.burst) {
          next++;
          expect(await reserve(ready.url, token, ready.burstTypeId));
        }
      }),
    );
    const target = base + s.warmup + s.burst;
    // Probes while the burst's mails drain (or, without workers, for the same count).
    let sent = workers ? await delivered() : base;
    let drainedAt = Number.NaN;
    const latencies: number[] = [];
    for (let i = 0; i < s.probes; i++) {
      const t0 = performance.now();
      expect(await reserve(ready.url, ready.tokens[i % ready.tokens.length], ready.probeTypeId));
      const ms = performance.now() - t0;
      if (workers) sent = await delivered();
      // A probe counts while burst mails are still outstanding when it finishes.
      if (!workers || sent < target) latencies.push(ms);
      else if (Number.isNaN(drainedAt)) drainedAt = performance.now();
      if (workers && sent >= target) break;
      await sleep(s.gapMs);
    }
    if (workers) {
      const until = Date.now() + 300_000;
      for (sent = await delivered(); sent < target && Date.now() < until; sent = await delivered())
        await sleep(50);
      if (Number.isNaN(drainedAt)) drainedAt = performance.now();
      if (sent < target) problems.push(`only ${sent - base} of ${s.warmup + s.burst} mails arrived`);
    }
    if (latencies.length < 20) problems.push(`only ${latencies.length} probes while mail work ran`);
    latencies.sort((a, b) => a - b);
    return {
      backend,
      workers,
      probes: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? Number.NaN,
      mailsPerS: workers ? s.burst / ((drainedAt - burstStart) / 1000) : Number.NaN,
      problems,
    };
  } finally {
    await server.stop();
  }
}

export async function runMailLatency(): Promise<boolean> {
  const s = settings();
  header('reserve latency while ticket mails are sent from the same process');
  console.log(
    `burst of ${s.burst} reserves (8 clients), then up to ${s.probes} sequential probe reserves ` +
      `${s.gapMs} ms apart while the burst's mails go out; ceiling: the same server without event workers`,
  );
  const smtp = Child.fork(['--child=smtp']);
  const runs: LatencyRun[] = [];
  try {
    const { url } = await smtp.next<{ type: 'smtp'; url: string }>();
    for (const backend of selectedBackends()) {
      for (const workers of [false, true]) {
        console.log(`… ${backend}, ${workers ? 'with event workers (mail work)' : 'without event workers'}`);
        runs.push(await phase(backend, workers, smtp, url));
      }
    }
  } finally {
    await smtp.stop();
    agent.destroy();
  }
  console.log();
  console.log(
    table(
      ['backend', 'server', 'probes', 'p50 ms', 'p99 ms', 'max ms', 'burst mails/s'],
      runs.map((r) => [
        r.backend,
        r.workers ? 'with mail work' : 'ceiling: no workers',
        r.probes,
        fmt(r.p50, 1),
        fmt(r.p99, 1),
        fmt(r.max, 1),
        fmt(r.mailsPerS, 1),
      ]),
    ),
  );
  let ok = true;
  for (const r of runs)
    if (r.problems.length) {
      ok = false;
      console.log(`\nFAIL ${r.backend}/${r.workers ? 'workers' : 'no workers'}: ${r.problems.join('; ')}`);
    }
  return ok;
}

if (isMain(import.meta.url)) {
  const role = strFlag('child');
  if (role === 'server') await serverChild();
  else if (role === 'smtp') await smtpChild();
  else process.exitCode = (await runMailLatency()) ? 0 : 1;
}
