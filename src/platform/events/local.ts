import type { Logger } from 'pino';
import { errorText } from '../db.ts';
import type { Jobs } from '../jobs.ts';
import { type Broker, type Consumer, type DomainEvent, RetryLater, topicMatches } from './types.ts';

/**
 * Without a broker, each event becomes one job per interested consumer on the job queue, which
 * gives the same guarantees as the AMQP path: durable, retried with backoff, dead-lettered.
 */
export class LocalBroker implements Broker {
  readonly kind = 'in-process' as const;

  private consumers: Consumer[] = [];

  constructor(
    private readonly jobs: Jobs,
    private readonly maxAttempts: number,
    private readonly retryBaseMs: number,
    private readonly log: Logger,
  ) {}

  /** Must run before Jobs.start so the queues exist. */
  register(consumers: Consumer[]) {
    const { jobs } = this;
    this.consumers.push(...consumers);
    for (const c of consumers) {
      jobs.define<DomainEvent>(
        `event.${c.name}`,
        async (event) => {
          try {
            await c.handle(event);
          } catch (err) {
            if (!(err instanceof RetryLater)) {
              const message = errorText(err);
              this.log.warn(
                { err: message, consumer: c.name, event: event.id },
                'consumer failed; will retry',
              );
            }
            throw err;
          }
        },
        {
          retryLimit: this.maxAttempts - 1,
          retryDelay: Math.max(1, Math.round(this.retryBaseMs / 1000)),
          retryBackoff: true,
          deadLetter: 'event.dead',
        },
      );
    }
    jobs.define<DomainEvent>('event.dead', async (event) => {
      this.log.error({ event: event.id, topic: event.topic }, 'event dead-lettered after repeated failures');
    });
  }

  async publish(events: DomainEvent[]) {
    const jobs = events.flatMap((event) =>
      this.consumers
        .filter((c) => c.topics.some((t) => topicMatches(t, event.topic)))
        // The job id makes a re-published event a no-op instead of a second delivery.
        .map((c) => ({ name: `event.${c.name}`, data: event, id: uuidFor(c.name, event.id) })),
    );
    await this.jobs.insert(jobs);
  }

  async consume() {
    // Workers are started by Jobs.startWorkers with every other queue.
  }

  connected() {
    return true;
  }

  async close() {}
}

/** A stable UUID per (consumer, event) so pg-boss refuses the duplicate job. */
function uuidFor(consumer: string, eventId: string): string {
  let h = 0;
  for (const ch of consumer) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  const hex = (h >>> 0).toString(16).padStart(8, '0');
  return `${hex}${eventId.slice(8)}`;
}
