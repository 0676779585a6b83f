export type DomainEvent = {
  id: string;
  topic: string;
  payload: Record<string, unknown>;
  createdAt: string;
};

/** A subscriber of domain events. handle() must be idempotent: delivery is at least once. */
export type Consumer = {
  name: string;
  topics: string[];
  handle: (event: DomainEvent) => Promise<unknown>;
};

/** Where published events go: RabbitMQ when AMQP_URL is set, the job queue otherwise. */
export interface Broker {
  readonly kind: 'amqp' | 'in-process';
  /** Resolves only once every event is safely handed over (broker confirm or job row). */
  publish(events: DomainEvent[]): Promise<void>;
  /** Declares every consumer of the app, in every process (publishing fans out by them). */
  register(consumers: Consumer[]): void;
  /** Starts handling events in this process (workers only). */
  consume(): Promise<void>;
  connected(): boolean;
  /** Hands one event to one consumer again, as a first attempt (re-driving a dead letter). */
  redeliver(consumer: string, event: DomainEvent): Promise<void>;
  /** Stops taking new events and waits (up to timeoutMs) for the ones being handled. */
  drain(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Called when an event is given up on for a consumer (after MAIL_MAX_ATTEMPTS attempts). */
export type OnDead = (consumer: string, event: DomainEvent, error: string) => Promise<void>;

/** Thrown by a consumer that cannot finish now and wants the event again later without counting a failure. */
export class RetryLater extends Error {}

export function topicMatches(pattern: string, topic: string): boolean {
  if (pattern === '#') return true;
  const p = pattern.split('.');
  const t = topic.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '#') return true;
    if (i >= t.length) return false;
    if (p[i] !== '*' && p[i] !== t[i]) return false;
  }
  return p.length === t.length;
}

/** The longest wait between two attempts: retries keep coming through an outage of hours. */
const RETRY_CAP_MS = 3 * 3_600_000;

/** Backoff between delivery attempts: base, 4×base, 16×base … capped at three hours. */
export function retryDelayMs(baseMs: number, attempt: number): number {
  return Math.min(baseMs * 4 ** Math.max(0, attempt - 1), RETRY_CAP_MS);
}

/**
 * The backoff with jitter (80–100 % of it), so mail that failed together during an outage does not
 * come back as one burst. Only shorter, because a RabbitMQ delay queue's TTL is an upper bound.
 */
export function retryDelayJitterMs(baseMs: number, attempt: number): number {
  return Math.round(retryDelayMs(baseMs, attempt) * (0.8 + 0.2 * Math.random()));
}
