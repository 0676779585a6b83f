import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { errorText } from '../db.ts';
import type { Jobs } from '../jobs.ts';
import {
  type Broker,
  type Consumer,
  type DomainEvent,
  type OnDead,
  RetryLater,
  retryDelayJitterMs,
  topicMatches,
} from './types.ts';

/** One delivery of an event to one consumer; jobs queued by older versions carry the bare event. */
type EventJob = { event: DomainEvent; consumer: string; attempt: number };
type QueuedJob = EventJob | DomainEvent;

/**
 * A job that runs longer than this is taken back by pg-boss and retried: after a worker is killed,
 * its events come back this soon (plus one maintenance round). A retry that meets a live attempt is
 * sent away by the delivery lease (outbox.ts), so a slow send is never doubled.
 */
const EVENT_JOB_EXPIRE_SECONDS = 20;
/** How long a RetryLater (the event is in another worker's hands) waits before looking again. */
const RETRY_LATER_MS = 3_000;

/**
 * Without a broker, each event becomes one job per interested consumer on the job queue, which
 * gives the same guarantees as the AMQP path: durable, retried with backoff, dead-lettered.
 * The backoff is ours (a follow-up job with a start time), so it is the same jittered schedule as on
 * RabbitMQ; pg-boss's own retries only cover a worker that died mid-job.
 */
export class LocalBroker implements Broker {
  readonly kind = 'in-process' as const;

  private consumers: Consumer[] = [];

  constructor(
    private readonly jobs: Jobs,
    private readonly maxAttempts: number,
    private readonly retryBaseMs: number,
    private readonly log: Logger,
    private readonly onDead: OnDead = async () => {},
  ) {}

  /** Must run before Jobs.start so the queues exist. */
  register(consumers: Consumer[]) {
    const { jobs } = this;
    this.consumers.push(...consumers);
    for (const c of consumers) {
      jobs.define<QueuedJob>(
        `event.${c.name}`,
        async (data) => {
          const job: EventJob = 'event' in data ? data : { event: data, consumer: c.name, attempt: 1 };
          await this.run(c, job);
        },
        {
          retryLimit: 10,
          retryDelay: 1,
          retryBackoff: true,
          expireInSeconds: EVENT_JOB_EXPIRE_SECONDS,
          deadLetter: 'event.dead',
        },
      );
    }
    jobs.define<QueuedJob>('event.dead', async (data) => {
      // Only a job whose worker died over and over lands here; record it where admins look.
      const job: EventJob | undefined = 'event' in data ? data : undefined;
      if (job) await this.onDead(job.consumer, job.event, 'the worker stopped while handling it');
      else this.log.error({ event: (data as DomainEvent).id }, 'event dead-lettered after worker crashes');
    });
  }

  private async run(c: Consumer, job: EventJob) {
    const { event, attempt } = job;
    try {
      await c.handle(event);
    } catch (err) {
      if (err instanceof RetryLater) {
        await this.later(job, RETRY_LATER_MS);
        return;
      }
      const message = errorText(err);
      if (attempt >= this.maxAttempts) {
        this.log.error({ consumer: c.name, event: event.id, attempt, err: message }, 'event dead-lettered');
        await this.onDead(c.name, event, message);
        return;
      }
      const delay = retryDelayJitterMs(this.retryBaseMs, attempt);
      this.log.warn(
        { err: message, consumer: c.name, event: event.id, attempt, delay },
        'consumer failed; will retry',
      );
      await this.later({ ...job, attempt: attempt + 1 }, delay);
    }
  }

  private async later(job: EventJob, delayMs: number) {
    await this.jobs.insert([
      {
        name: `event.${job.consumer}`,
        data: job,
        id: randomUUID(),
        startAfter: new Date(Date.now() + delayMs),
      },
    ]);
  }

  async publish(events: DomainEvent[]) {
    const jobs = events.flatMap((event) =>
      this.consumers
        .filter((c) => c.topics.some((t) => topicMatches(t, event.topic)))
        // The job id makes a re-published event a no-op instead of a second delivery.
        .map((c) => ({
          name: `event.${c.name}`,
          data: { event, consumer: c.name, attempt: 1 } satisfies EventJob,
          id: uuidFor(c.name, event.id),
        })),
    );
    await this.jobs.insert(jobs);
  }

  async redeliver(consumer: string, event: DomainEvent) {
    await this.jobs.insert([
      {
        name: `event.${consumer}`,
        data: { event, consumer, attempt: 1 } satisfies EventJob,
        id: randomUUID(),
      },
    ]);
  }

  async consume() {
    // Workers are started by Jobs.startWorkers with every other queue.
  }

  async drain() {
    // Running event jobs are waited for by Jobs.stop with every other queue.
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
