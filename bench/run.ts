/**
 * All benchmarks in sequence: reserve under contention, ticket mails per second, start-up and memory.
 * Flags are passed on to each (see the scripts); `npm run bench` runs this.
 */
import { runMail } from './mail.ts';
import { runReserve } from './reserve.ts';
import { runStartup } from './startup.ts';

const started = Date.now();
const results: [string, boolean][] = [];
results.push(['reserve', await runReserve()]);
results.push(['mail', await runMail()]);
results.push(['startup', await runStartup()]);
console.log(
  `\nbench done in ${Math.round((Date.now() - started) / 1000)} s: ${results.map(([n, ok]) => `${n} ${ok ? 'ok' : 'FAILED'}`).join(', ')}`,
);
process.exitCode = results.every(([, ok]) => ok) ? 0 : 1;
