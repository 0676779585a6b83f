/**
 * `yeyak events dead` and `yeyak events redrive [ID|--all]`. They open the database directly (like
 * `users add`): on PGlite only while the server is stopped; a running server has the admin page.
 */
import type { Command } from 'commander';
import { createLogger, createYeyak } from '../../app.ts';
import type { Config } from '../config.ts';
import { listDead, redrive } from './dead.ts';

export function registerEventCommands(program: Command, config: () => Config, fail: (err: unknown) => never) {
  const events = program.command('events').description('event deliveries given up on (dead letters)');
  const open = () =>
    createYeyak(
      { ...config(), demo: false },
      { http: false, workers: false, logger: createLogger('warn') },
    ).catch(fail);

  events
    .command('dead')
    .description('list deliveries given up on after MAIL_MAX_ATTEMPTS attempts, newest first')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const y = await open();
      try {
        const dead = await listDead(y.ctx.database);
        if (opts.json) console.log(JSON.stringify(dead, null, 2));
        else if (dead.length === 0) console.log('no dead letters');
        else
          for (const d of dead)
            console.log(
              [d.eventId, d.consumer, d.topic ?? '?', `${d.attempts}×`, d.failedAt, d.lastError ?? ''].join(
                '\t',
              ),
            );
      } finally {
        await y.stop();
      }
    });

  events
    .command('redrive')
    .description('deliver a dead event again (to every consumer it died in), or --all of them')
    .argument('[id]', 'event id, as `yeyak events dead` lists it')
    .option('--all', 'every dead letter')
    .action(async (id: string | undefined, opts: { all?: boolean }) => {
      if (!id === !opts.all) fail(new Error('give an event id or --all'));
      if (id && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
        fail(new Error(`"${id}" is not an event id`));
      const y = await open();
      try {
        await y.ctx.jobs.start(); // the in-process broker hands events over as jobs
        const out = await redrive(y.ctx.database, y.ctx.broker, id ? { eventId: id } : { all: true });
        if (id && out.redriven === 0 && out.missing.length === 0)
          fail(new Error(`no dead delivery of ${id}`));
        console.log(`redriven: ${out.redriven}`);
        if (out.missing.length)
          console.log(`no longer in the outbox (left listed): ${out.missing.join(', ')}`);
      } finally {
        await y.stop();
      }
    });
}
