/**
 * Kakao answer time without a callback, at the polite defaults (90 requests a minute per egress,
 * 1 s per account), on the stand-in operators, with `--searches` (10) watched searches per operator
 * keeping the egress busy as in production. For `조회`, `감시` and `예약` (`--samples` each per
 * operator) it prints the skill's answer time p50/p99 as the Kakao stand-in measures it, the share
 * of answers that carry the result itself (the rest say it follows), and when the result came
 * through the Event API. Beside it, the ceiling: the skill's answer that asks no operator (도움말).
 * Kakao allows 5 s; the aim is p99 < 3.5 s.
 *
 *   node --import tsx bench/rail-kakao.ts [--searches=10] [--samples=20] [--warm-seconds=30] [--backends=pglite]
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKakaoSim } from '../sims/notify/kakao.ts';
import { stationByName } from '../sims/rail/data.ts';
import { startRailSim } from '../sims/rail/server.ts';
import { loadConfig } from '../src/config.ts';
import type { TrainView } from '../src/modules/rail/service.ts';
import { login, startApp } from '../test/helpers.ts';
import { fmt, numFlag, percentile, selectedBackends, table } from './lib.ts';

const SKILL_KEY = 'bench-kakao-skill-key-0001';
const REST_KEY = 'bench-rest-api-key';
const ROUTES: Record<'srt' | 'korail', [string, string][]> = {
  srt: [
    ['수서', '부산'],
    ['수서', '동대구'],
    ['수서', '대전'],
    ['수서', '광주송정'],
    ['수서', '울산'],
  ],
  korail: [
    ['서울', '부산'],
    ['서울', '동대구'],
    ['서울', '대전'],
    ['용산', '광주송정'],
    ['서울', '울산(통도사)'],
  ],
};
const kstDay = (days: number) =>
  new Date(Date.now() + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
const word = (p: 'srt' | 'korail') => (p === 'srt' ? 'srt' : 'ktx');

/** The setup's searches wait in the polite line like any other; on a loaded machine one may time out. */
async function searchTrying<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (err) {
      if (i >= 4) throw err;
    }
  }
}

type Sample = { ms: number; inline: boolean; eventMs?: number; said?: string };

async function run(backend: 'pglite' | 'postgres') {
  const searches = numFlag('searches', 10);
  const samples = numFlag('samples', 20);
  const warmSeconds = numFlag('warm-seconds', 30);
  // Korail logins: the stand-in's anti-macro check is off, or Korail's 감시/예약 go unmeasured.
  const s = await startRailSim({ blockThreshold: 100_000_000, cancellationRate: 0, korailMacroCheck: false });
  const kakao = await startKakaoSim({ botId: 'bot-bench', restApiKey: REST_KEY });
  const defaults = loadConfig({});
  const t = await startApp(backend, {
    rail: {
      ...defaults.rail,
      sandbox: false,
      srtUrl: s.url,
      korailUrl: s.url,
      netfunnelUrl: s.netfunnelUrl,
      kakao: { skillKey: SKILL_KEY },
    },
    notify: {
      ...defaults.notify,
      kakao: { ...defaults.notify.kakao, apiUrl: kakao.url, botId: 'bot-bench', restApiKey: REST_KEY },
    },
  });
  const skill = `${t.url}/api/kakao/skill?key=${SKILL_KEY}`;
  try {
    const u = await login(t);
    const operators: ('srt' | 'korail')[] = [];
    for (const p of ['srt', 'korail'] as const) {
      const r = await u.api.put(`/api/rail/accounts/${p}`, { id: '1234567890', password: 'sim-password' });
      if (r.status === 200) operators.push(p);
      else console.log(`  (${p}: the stand-in refused the login, ${r.status}; 감시/예약 not measured there)`);
    }
    const code = (await u.api.post<{ code: string }>('/api/rail/kakao/code')).body.data?.code;
    const userKey = 'bench-bot-user-key';
    await kakao.send(skill, `연결 ${code}`, { userKey });

    // Background: `searches` watched searches per operator, every train sold out, as in production.
    const routeDays: { p: 'srt' | 'korail'; from: string; to: string; date: string; trains: TrainView[] }[] =
      [];
    for (const p of ['srt', 'korail'] as const) {
      for (let i = 0; i < searches; i++) {
        const [from, to] = ROUTES[p][i % ROUTES[p].length];
        const date = kstDay(3 + Math.floor(i / ROUTES[p].length));
        const trains = (
          await searchTrying(() => t.y.rail.search({ provider: p, from, to, date }))
        ).trains.filter((x) => !x.departed);
        for (const x of trains) s.seedSoldOut(p, date, Number(x.trainNo));
        routeDays.push({ p, from, to, date, trains });
        if (operators.includes(p))
          await u.api.post('/api/rail/watches', {
            provider: p,
            from,
            to,
            date,
            timeFrom: '060000',
            timeTo: '235959',
            passengers: { adult: 1 },
          });
      }
    }
    console.log(
      `  warming ${warmSeconds} s: ${searches} watched searches per operator at the polite defaults`,
    );
    await new Promise((r) => setTimeout(r, warmSeconds * 1000));

    // The ceiling: the skill's floor, an answer that asks nothing of an operator (도움말).
    const floor: number[] = [];
    for (let i = 0; i < 10; i++) floor.push((await kakao.send(skill, '도움말', { userKey })).ms);

    const measure = async (utterance: string): Promise<Sample> => {
      const sent = kakao.received.length;
      const started = performance.now();
      const r = await kakao.send(skill, utterance, { userKey });
      const txt = JSON.stringify(r.body.template ?? {});
      const inline = !txt.includes('카카오톡 메시지로');
      let eventMs: number | undefined;
      if (!inline) {
        const until = Date.now() + 120_000;
        while (Date.now() < until && !kakao.received.slice(sent).some((e) => e.kind === 'event'))
          await new Promise((ok) => setTimeout(ok, 50));
        eventMs = performance.now() - started;
      }
      return { ms: r.ms, inline, eventMs, said: txt.slice(0, 160) };
    };

    const rows: (string | number)[][] = [];
    const pick = <T>(a: T[], i: number) => a[i % a.length];
    for (const p of ['srt', 'korail'] as const) {
      const mine = routeDays.filter((x) => x.p === p);
      const kinds: [string, (i: number) => string | undefined][] = [
        [
          '조회',
          (i) => {
            const x = pick(mine, i);
            return `조회 ${word(p)} ${x.from} ${x.to} ${x.date} ${String(6 + (i % 12)).padStart(2, '0')}:00`;
          },
        ],
        [
          '감시',
          (i) => {
            const x = pick(mine, i);
            const tr = pick(x.trains, i * 7 + 3);
            return operators.includes(p)
              ? `감시 ${word(p)} ${x.from} ${x.to} ${x.date} ${tr.trainNo}`
              : undefined;
          },
        ],
        [
          '예약',
          (i) => {
            // A train with seats on a date nobody watches: on a watched (sold-out) route a freed
            // seat goes to the watches, and the reserve was refused at once from the last poll's
            // row (a 16 ms "sold out" counted as an answer).
            const x = pick(mine, i);
            const date = kstDay(15 + (i % 5));
            const [a, b] = [stationByName(p, x.from)?.code, stationByName(p, x.to)?.code];
            if (!a || !b) return undefined;
            const views = s.world.search(p, a, b, date, '100000').filter((v) => v.general.free > 2);
            const tr = pick(views, i * 5 + 1);
            return operators.includes(p) && tr
              ? `예약 ${word(p)} ${x.from} ${x.to} ${date} ${tr.train.trainNo}`
              : undefined;
          },
        ],
      ];
      for (const [kind, say] of kinds) {
        const got: Sample[] = [];
        for (let i = 0; i < samples; i++) {
          const utterance = say(i);
          if (!utterance) continue;
          got.push(await measure(utterance));
        }
        if (!got.length) continue;
        // What the first answer said: a refusal answered in milliseconds is not the command's time.
        console.log(`  ${p} ${kind}: ${got[0].said}`);
        const ms = got.map((g) => g.ms).sort((a, b) => a - b);
        const ev = got.flatMap((g) => (g.eventMs === undefined ? [] : [g.eventMs])).sort((a, b) => a - b);
        rows.push([
          `${p} ${kind}`,
          got.length,
          fmt(percentile(ms, 50)),
          fmt(percentile(ms, 99)),
          `${fmt((100 * got.filter((g) => g.inline).length) / got.length)}%`,
          ev.length ? fmt(percentile(ev, 50)) : '-',
          ev.length ? fmt(percentile(ev, 99)) : '-',
        ]);
      }
    }
    const f = floor.sort((x, y) => x - y);
    console.log(
      table(
        ['command', 'n', 'answer p50 ms', 'answer p99 ms', 'result inline', 'Event API p50 ms', 'p99 ms'],
        rows,
      ),
    );
    console.log(
      `  ceiling (fastest possible): 도움말, no operator request, p50 ${fmt(percentile(f, 50), 1)} ms, p99 ${fmt(percentile(f, 99), 1)} ms; Kakao waits 5,000 ms`,
    );
  } finally {
    await t.stop();
    await kakao.close();
    await s.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  for (const backend of selectedBackends()) {
    console.log(`Kakao answers without a callback (${backend}, polite defaults)`);
    await run(backend);
  }
  process.exit(0);
}
