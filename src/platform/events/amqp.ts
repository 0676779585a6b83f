import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { errorText } from '../db.ts';
import { oldTopic } from './topics.ts';
import {
  type Broker,
  type Consumer,
  type DomainEvent,
  type OnDead,
  RetryLater,
  retryDelayJitterMs,
  retryDelayMs,
} from './types.ts';

/** Delay queues per consumer: base, 4×base … up to the 3-hour cap (reached by level 9 for a 170 ms base). */
const RETRY_LEVELS = 9;

export type AmqpOptions = {
  url: string;
  /** Prefix of the exchange and queue names: `<namespace>.events`, `<namespace>.<consumer>`. */
  namespace: string;
  maxAttempts: number;
  retryBaseMs: number;
  prefetch?: number;
  /** Called when an event is given up on (after maxAttempts). */
  onDead?: OnDead;
};

/** Queue names a consumer owns: its main queue, one delay queue per backoff level, and a dead queue. */
export function queueNames(namespace: string, consumer: string) {
  const main = `${namespace}.${consumer}`;
  return {
    main,
    dead: `${main}.dead`,
    retry: Array.from({ length: RETRY_LEVELS }, (_, i) => `${main}.retry.${i + 1}`),
  };
}

/**
 * RabbitMQ: events go to the durable topic exchange `<namespace>.events` (`yeyak.events` by default)
 * with publisher confirms.
 * Each consumer has a durable queue; a failed message is parked in a TTL queue that dead-letters
 * it back (backoff without a plugin), and after maxAttempts it goes to the consumer's dead queue.
 * The connection is re-opened when it drops; publish fails while it is down so the outbox keeps the rows.
 */
export class AmqpBroker implements Broker {
  readonly kind = 'amqp' as const;
  private connection?: ChannelModel;
  private channel?: ConfirmChannel;
  private connecting?: Promise<ConfirmChannel>;
  private consumers: Consumer[] = [];
  private closed = false;
  private reconnectTimer?: NodeJS.Timeout;
  /** Deliveries being handled, so a shutdown can wait for them. */
  private readonly inFlight = new Set<Promise<void>>();
  private consumerTags: string[] = [];
  private draining = false;
  readonly exchange: string;

  constructor(
    private readonly opts: AmqpOptions,
    private readonly log: Logger,
  ) {
    this.exchange = `${opts.namespace}.events`;
  }

  connected() {
    return this.channel !== undefined;
  }

  private async open(): Promise<ConfirmChannel> {
    if (this.channel) return this.channel;
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      // amqplib is loaded only when RabbitMQ is the broker.
      const { default: amqp } = await import('amqplib');
      const connection = await amqp.connect(this.opts.url, { timeout: 5000 });
      connection.on('error', (err) => this.log.warn({ err: err.message }, 'amqp connection error'));
      connection.on('close', () => this.dropped());
      const channel = await connection.createConfirmChannel();
      channel.on('error', (err) => this.log.warn({ err: err.message }, 'amqp channel error'));
      await channel.assertExchange(this.exchange, 'topic', { durable: true });
      // Few deliveries at once: each renders and sends a mail, and they share the process with requests.
      await channel.prefetch(this.opts.prefetch ?? 8);
      this.connection = connection;
      this.channel = channel;
      for (const c of this.consumers) await this.startConsumer(channel, c);
      this.log.info('amqp connected');
      return channel;
    })();
    try {
      return await this.connecting;
    } finally {
      this.connecting = undefined;
    }
  }

  private dropped() {
    const wasUp = this.channel !== undefined;
    this.channel = undefined;
    this.connection = undefined;
    this.consumerTags = [];
    if (this.closed) return;
    if (wasUp) this.log.warn('amqp connection lost; will reconnect');
    this.scheduleReconnect();
  }

  private scheduleReconnect() {
    if (this.reconnectTimer || this.closed || this.consumers.length === 0) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.open().catch(() => this.scheduleReconnect());
    }, 1000);
    this.reconnectTimer.unref();
  }

  async publish(events: DomainEvent[]) {
    if (events.length === 0) return;
    const channel = await this.open();
    for (const e of events) {
      // A renamed topic goes out under its old name too, for subscribers outside yeyak (topics.ts).
      for (const topic of [e.topic, oldTopic(e.topic)]) {
        if (!topic) continue;
        channel.publish(this.exchange, topic, Buffer.from(JSON.stringify({ ...e, topic })), {
          persistent: true,
          messageId: e.id,
          contentType: 'application/json',
          timestamp: Math.floor(Date.parse(e.createdAt) / 1000),
          type: topic,
        });
      }
    }
    await channel.waitForConfirms();
  }

  private registered: Consumer[] = [];

  register(consumers: Consumer[]) {
    this.registered.push(...consumers);
  }

  async consume() {
    this.consumers.push(...this.registered);
    try {
      await this.open();
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message },
        'amqp unavailable; consumers will start when it is back',
      );
      this.scheduleReconnect();
    }
  }

  private async startConsumer(channel: ConfirmChannel, c: Consumer) {
    const q = queueNames(this.opts.namespace, c.name);
    await channel.assertQueue(q.main, { durable: true });
    for (const topic of c.topics) await channel.bindQueue(q.main, this.exchange, topic);
    await channel.assertQueue(q.dead, { durable: true });
    for (let i = 0; i < q.retry.length; i++) {
      await channel.assertQueue(q.retry[i], {
        durable: true,
        messageTtl: retryDelayMs(this.opts.retryBaseMs, i + 1),
        deadLetterExchange: '',
        deadLetterRoutingKey: q.main,
      });
    }
    if (this.draining) return;
    const { consumerTag } = await channel.consume(q.main, (msg) => {
      if (!msg) return;
      const delivery = this.deliver(channel, c, msg);
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    });
    this.consumerTags.push(consumerTag);
  }

  private async deliver(channel: ConfirmChannel, c: Consumer, msg: ConsumeMessage) {
    const q = queueNames(this.opts.namespace, c.name);
    const attempt = Number(msg.properties.headers?.['x-yeyak-attempt'] ?? 1);
    let event: DomainEvent;
    try {
      event = JSON.parse(msg.content.toString('utf8')) as DomainEvent;
    } catch {
      this.log.error({ consumer: c.name }, 'unreadable message moved to the dead queue');
      channel.sendToQueue(q.dead, msg.content, { persistent: true, headers: msg.properties.headers });
      channel.ack(msg);
      return;
    }
    try {
      await c.handle(event);
      channel.ack(msg);
      return;
    } catch (err) {
      const later = err instanceof RetryLater;
      const message = errorText(err);
      const nextAttempt = later ? attempt : attempt + 1;
      try {
        if (!later && nextAttempt > this.opts.maxAttempts) {
          this.log.error({ consumer: c.name, event: event.id, err: message }, 'event dead-lettered');
          channel.sendToQueue(q.dead, msg.content, {
            persistent: true,
            messageId: event.id,
            headers: { ...msg.properties.headers, 'x-yeyak-error': message.slice(0, 500) },
          });
          await this.opts.onDead?.(c.name, event, message).catch(() => {});
        } else {
          if (!later)
            this.log.warn({ consumer: c.name, event: event.id, attempt, err: message }, 'retrying event');
          const level = Math.min(attempt, q.retry.length) - 1;
          channel.sendToQueue(q.retry[level], msg.content, {
            persistent: true,
            messageId: event.id,
            // Jitter: a batch that failed together does not come back together.
            expiration: String(retryDelayJitterMs(this.opts.retryBaseMs, level + 1)),
            headers: { ...msg.properties.headers, 'x-yeyak-attempt': nextAttempt },
          });
        }
        await channel.waitForConfirms();
        channel.ack(msg);
      } catch {
        // The channel died mid-way: leave the message unacked so the broker redelivers it.
      }
    }
  }

  async redeliver(consumer: string, event: DomainEvent) {
    const channel = await this.open();
    channel.sendToQueue(queueNames(this.opts.namespace, consumer).main, Buffer.from(JSON.stringify(event)), {
      persistent: true,
      messageId: event.id,
      contentType: 'application/json',
      type: event.topic,
      headers: { 'x-yeyak-attempt': 1 },
    });
    await channel.waitForConfirms();
  }

  /** Stops taking messages (unacked ones go back to the queue) and waits for those being handled. */
  async drain(timeoutMs: number) {
    this.draining = true;
    const channel = this.channel;
    for (const tag of this.consumerTags) await channel?.cancel(tag).catch(() => {});
    this.consumerTags = [];
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((r) => setTimeout(r, timeoutMs).unref()),
    ]);
  }

  async close() {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const connection = this.connection;
    this.channel = undefined;
    this.connection = undefined;
    await connection?.close().catch(() => {});
  }
}
