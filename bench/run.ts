/**
 * All benchmarks in sequence: reserve under contention, ticket mails per second, reserve latency while
 * mails go out, start-up and memory,
 * the rail watch engine, runtime settings reaching another instance, the server log's word search,
 * the points ledger, image uploads, push to 10,000 FCM tokens, the consult marketplace's payments, chat
 * polls and money latencies, and the registration sync.
 * Flags are passed on to each (see the scripts); `npm run bench` runs this.
 */

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runConsultLatency } from './consult-latency.ts';
import { runConsultPayments } from './consult-payments.ts';
import { runConsultPoll } from './consult-poll.ts';
import { runLedger } from './ledger.ts';
import { runMail } from './mail.ts';
import { runMailLatency } from './mail-latency.ts';
import { runPush } from './push.ts';
import { runRail } from './rail.ts';
import { runRead } from './read.ts';
import { runReserve } from './reserve.ts';
import { runServerLog } from './serverlog.ts';
import { runSettings } from './settings.ts';
import { runStartup } from './startup.ts';
import { runUploads } from './uploads.ts';

const started = Date.now();
const results: [string, boolean][] = [];
results.push(['read', await runRead()]);
results.push(['reserve', await runReserve()]);
results.push(['mail', await runMail()]);
results.push(['mail-latency', await runMailLatency()]);
results.push(['startup', await runStartup()]);
results.push(['rail', await runRail()]);
results.push(['settings', await runSettings()]);
results.push(['serverlog', await runServerLog()]);
results.push(['ledger', await runLedger()]);
results.push(['uploads', await runUploads()]);
results.push(['push', await runPush()]);
results.push(['consult-payments', await runConsultPayments()]);
results.push(['consult-poll', await runConsultPoll()]);
results.push(['consult-latency', await runConsultLatency()]);
// The registration bench is a script of its own (top-level await); it runs as a child.
const registration = spawnSync(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(new URL('./registration.ts', import.meta.url))],
  { stdio: 'inherit' },
);
results.push(['registration', registration.status === 0]);
console.log(
  `\nbench done in ${Math.round((Date.now() - started) / 1000)} s: ${results.map(([n, ok]) => `${n} ${ok ? 'ok' : 'FAILED'}`).join(', ')}`,
);
process.exitCode = results.every(([, ok]) => ok) ? 0 : 1;
