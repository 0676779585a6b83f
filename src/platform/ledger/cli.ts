/**
 * `yeyak ledger check`: proves the points books balance. It opens the database directly (like
 * `events dead`): on PGlite only while the server is stopped.
 */
import type { Command } from 'commander';
import { createLogger, createYeyak } from '../../app.ts';
import type { Config } from '../config.ts';

export function registerLedgerCommands(
  program: Command,
  config: () => Config,
  fail: (err: unknown) => never,
) {
  const ledger = program.command('ledger').description('the points ledger');
  ledger
    .command('check')
    .description('all balances sum to zero and every cached balance equals its transfers (exit 1 if not)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const y = await createYeyak(
        { ...config(), demo: false },
        { http: false, workers: false, logger: createLogger('warn') },
      ).catch(fail);
      try {
        const report = await y.ctx.ledger.check();
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else {
          console.log(
            `${report.ok ? 'ok' : 'NOT OK'}: ${report.accounts} accounts, ${report.transfers} transfers, balances sum to ${report.sum}`,
          );
          for (const m of report.mismatches)
            console.log(
              `${m.accountId}\tbalance ${m.balance} (transfers say ${m.computedBalance})\tpending ${m.pending} (transfers say ${m.computedPending})`,
            );
        }
        process.exitCode = report.ok ? 0 : 1;
      } finally {
        await y.stop();
      }
    });
}
