/**
 * Two latencies of money arriving, p50/p99, each beside its floor measured in the same run:
 * - a Payletter callback → the points credited: checkout over HTTP, the payment page pressed at the
 *   Payletter stand-in (told to send no callback), then the signed callback posted to yeyak and the
 *   purchase read until `credited` (every 5 ms). Crediting runs on the `payment.paid` event (outbox,
 *   pg-boss), so the figure is the callback's answer plus the event's trip. Floor: the callback's
 *   HTTP answer alone.
 * - a 060 `call.ended` → the counselor's payable credited: a call started over HTTP (hold, time
 *   charged and consultation bought at the 060 stand-in), then a signed call.ended posted to the
 *   webhook and the counselor's payable balance read until it rose. Floor: a signed webhook that is
 *   refused as unknown (signature checked, one read, a server-log line), the same HTTP round trip.
 * yeyak with its workers (pg-boss polling every 0.5 s, as `yeyak serve` runs), both stand-ins in
 * this process.
 *
 *   node --import tsx bench/consult-latency.ts [--samples=40] [--backends=pglite,postgres]
 */
import { performance } from 'node:perf_hooks';
import { SIM_CLIENT_ID, SIM_PAYMENT_KEY, SIM_SEARCH_KEY } from '../sims/payletter/index.ts';
import { SIM_PHONE060_KEY, SIM_PHONE060_WEBHOOK_SECRET } from '../sims/phone060/index.ts';
import { startStandIn } from '../sims/standins.ts';
import { Phone060, phone060Signature } from '../src/modules/consult/phone060/index.ts';
import { type Backend, startApp, TEST_OUTBOUND_ALLOW } from '../test/helpers.ts';
import { fmt, header, isMain, numFlag, percentile, selectedBackends, sleep, table } from './lib.ts';

type Row = (string | number)[];

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return [ms.length, fmt(percentile(sorted, 50), 1), fmt(percentile(sorted, 99), 1)];
};

/** Reads `probe` every 5 ms until true (at most 30 s). */
async function until(probe: () => Promise<boolean>) {
  const deadline = Date.now() + 30_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('not credited within 30 s');
    await sleep(5);
  }
}

async function run(backend: Backend, samples: number) {
  const payletter = await startStandIn('payletter');
  const phone060 = await startStandIn('phone060');
  const t = await startApp(
    backend,
    {},
    {
      env: {
        YEYAK_OUTBOUND_ALLOW: TEST_OUTBOUND_ALLOW,
        PAYLETTER_URL: payletter.url,
        PAYLETTER_CLIENT_ID: SIM_CLIENT_ID,
        PAYLETTER_PAYMENT_KEY: SIM_PAYMENT_KEY,
        PAYLETTER_SEARCH_KEY: SIM_SEARCH_KEY,
        PHONE060_URL: phone060.url,
        PHONE060_KEY: SIM_PHONE060_KEY,
        PHONE060_WEBHOOK_SECRET: SIM_PHONE060_WEBHOOK_SECRET,
      },
    },
  );
  t.config.publicUrl = t.url;
  const out: Row[] = [];
  const { y } = t;
  const raw = y.ctx.database.raw;
  try {
    // Buyers straight in SQL with minted sessions; a new one every 10 samples (checkout and calls
    // are rate-limited per user per hour, as for a person).
    const buyers: { id: string; token: string }[] = [];
    const buyer = async (i: number) => {
      const k = Math.floor(i / 10);
      if (!buyers[k]) {
        const [u] = (
          await raw(
            `insert into users (email, name, password_hash, role, verified_at)
             values ($1, '손님', 'none', 'user', now()) returning id`,
            [`buyer${k}-${backend}@bench.yeyak`],
          )
        ).rows as { id: string }[];
        const session = await y.auth.createSession(u?.id as string);
        buyers[k] = { id: u?.id as string, token: session.token };
      }
      return buyers[k] as { id: string; token: string };
    };
    const api = async (i: number, path: string, body?: unknown) =>
      fetch(`${t.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${(await buyer(i)).token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const item = await y.consult.pointItems.create({
      name: '1만원',
      price: 10_000,
      points: 10_000,
      bonus: 0,
      position: 1,
      active: true,
    });

    // 1. Payletter callback → credited.
    const whole: number[] = [];
    const answer: number[] = [];
    for (let i = 0; i < samples + 3; i++) {
      const started = (await (
        await api(i, '/api/consult/points/checkout', { itemId: item.id, device: 'pc' })
      ).json()) as {
        data: { redirectUrl: string; purchase: { id: string } };
      };
      const token = new URL(started.data.redirectUrl).searchParams.get('token') as string;
      const pressed = await fetch(`${payletter.url}/pgsvc/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ token, action: 'pay', fault: 'no-callback' }),
      });
      const { fields } = (await pressed.json()) as { fields: Record<string, string> };
      const t0 = performance.now();
      const res = await fetch(`${t.url}/api/payments/payletter/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fields),
      });
      await res.arrayBuffer();
      const t1 = performance.now();
      if (res.status !== 200) throw new Error(`callback answered ${res.status}`);
      await until(async () => {
        const { rows } = await raw('select state from consult_purchases where id = $1', [
          started.data.purchase.id,
        ]);
        return (rows[0] as { state?: string } | undefined)?.state === 'credited';
      });
      // The first three warm up (JIT, connections).
      if (i >= 3) {
        whole.push(performance.now() - t0);
        answer.push(t1 - t0);
      }
    }
    out.push([backend, 'Payletter callback → points credited', ...stats(whole)]);
    out.push([backend, 'floor: the callback’s HTTP answer', ...stats(answer)]);

    // 2. call.ended → counselor credited. Each buyer gets enough points for ten calls.
    const clearing = await y.ctx.ledger.system('pg_clearing');
    for (const [k, b] of buyers.entries()) {
      const { paid } = await y.consult.wallet.accounts(b.id);
      await y.ctx.ledger.transfer({
        id: `bench-calls-${k}`,
        debitAccountId: clearing.id,
        creditAccountId: paid.id,
        amount: 100_000,
        kind: 'purchase',
      });
    }
    await new Phone060({ url: phone060.url, apiKey: SIM_PHONE060_KEY }).registerWebhook(
      `${t.url}/api/consult/phone060/webhook`,
    );
    await y.consult.sync.sync();
    const [coun] = (
      await raw(
        `insert into users (email, name, password_hash, role, verified_at)
         values ('dalbit@bench.yeyak', '달빛', 'none', 'counselor', now()) returning id`,
      )
    ).rows as { id: string }[];
    const [c] = (await raw(`select id from consult_counselors where code = '102'`)).rows as { id: string }[];
    await y.consult.counselors.link(c?.id as string, coun?.id as string);
    await raw('update consult_counselors set auto_online = false');
    await y.consult.sync.setStatus(c?.id as string, '102', 'online');
    const payable = async () => (await y.consult.wallet.payable(coun?.id as string)).balance;
    const hook = async (body: string) => {
      const ts = String(Math.floor(Date.now() / 1000));
      const res = await fetch(`${t.url}/api/consult/phone060/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-060-timestamp': ts,
          'x-060-signature': `sha256=${phone060Signature(ts, body, SIM_PHONE060_WEBHOOK_SECRET)}`,
        },
        body,
      });
      await res.arrayBuffer();
      return res.status;
    };
    const ended: number[] = [];
    const refused: number[] = [];
    for (let i = 0; i < samples + 3; i++) {
      const startedAt = new Date(Date.now() - 95_000).toISOString();
      const res = await api(i, '/api/consult/calls', { counselorId: c?.id, phone: '010-5555-0102' });
      if (res.status !== 201) throw new Error(`call refused: ${await res.text()}`);
      const call = ((await res.json()) as { data: { call: { id: string } } }).data.call;
      const [row] = (await raw('select ticket_id from consult_calls where id = $1', [call.id])).rows as {
        ticket_id: string;
      }[];
      const before = await payable();
      const body = JSON.stringify({
        type: 'call.ended',
        callId: `C-bench-${backend}-${i}`,
        caller: '01055550102',
        code: '102',
        ticketId: row?.ticket_id,
        startedAt,
        endedAt: new Date().toISOString(),
        talkSeconds: 95,
        billedSeconds: 120,
      });
      const t0 = performance.now();
      const status = await hook(body);
      if (status !== 200) throw new Error(`call.ended answered ${status}`);
      await until(async () => (await payable()) > before);
      const t1 = performance.now();
      const unknown = JSON.stringify({ ...JSON.parse(body), callId: `C-none-${i}`, ticketId: `T-none-${i}` });
      const t2 = performance.now();
      if ((await hook(unknown)) !== 404) throw new Error('an unknown call was not refused');
      const t3 = performance.now();
      if (i >= 3) {
        ended.push(t1 - t0);
        refused.push(t3 - t2);
      }
    }
    out.push([backend, '060 call.ended → counselor credited', ...stats(ended)]);
    out.push([backend, 'floor: a signed webhook refused as unknown', ...stats(refused)]);
    if (!(await y.ctx.ledger.check()).ok) throw new Error('ledger check failed');
  } finally {
    await t.stop();
    await payletter.close();
    await phone060.close();
  }
  return out;
}

export async function runConsultLatency(): Promise<boolean> {
  const samples = numFlag('samples', 40);
  header(`consult: callback → credited points, call.ended → counselor credited (${samples} samples each)`);
  const all: Row[] = [];
  for (const b of selectedBackends()) all.push(...(await run(b, samples)));
  console.log(table(['backend', 'what', 'samples', 'p50 ms', 'p99 ms'], all));
  return all.length > 0;
}

if (isMain(import.meta.url)) process.exitCode = (await runConsultLatency()) ? 0 : 1;
