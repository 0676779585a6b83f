import { sql } from 'drizzle-orm';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type Database, selectRows } from './db.ts';

/**
 * Prometheus metrics of this process (`GET /metrics`, src/platform/metrics-route.ts). One registry
 * per process, like every Prometheus client: counters are process totals that only go up, which is
 * what `rate()` expects. What lives in the database (outbox lag, deliveries, job queues) is read
 * when scraped, so every process reports the whole cluster's figure there.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'yeyak_' });

export const httpDuration = new Histogram({
  name: 'yeyak_http_request_duration_seconds',
  help: 'HTTP answers by route pattern (never the raw URL), method and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const outboundRequests = new Counter({
  name: 'yeyak_outbound_requests_total',
  help: 'Requests to outside services (rail operators, KKTIX, Discord …) by service and HTTP status (0: no answer)',
  labelNames: ['service', 'status'] as const,
  registers: [registry],
});

export const upstreamRefusals = new Counter({
  name: 'yeyak_upstream_errors_total',
  help: 'Outside-service failures by service and kind (blocked: an operator refuses this server for now)',
  labelNames: ['service', 'kind'] as const,
  registers: [registry],
});

export const mailsSent = new Counter({
  name: 'yeyak_mails_sent_total',
  help: 'Mails handed to SMTP or the built-in mailbox',
  labelNames: ['transport'] as const,
  registers: [registry],
});

export const deliveriesFinished = new Counter({
  name: 'yeyak_event_deliveries_total',
  help: 'Event deliveries finished in this process by consumer and outcome (done, failed, dead)',
  labelNames: ['consumer', 'outcome'] as const,
  registers: [registry],
});

/** The database the gauges below read when scraped (the process's; tests start several in turn). */
let database: Database | undefined;
export function watchDatabase(db: Database | undefined) {
  database = db;
}

/** A scrape during start-up or shutdown reports nothing for these rather than failing the scrape. */
async function read<T>(query: ReturnType<typeof sql>): Promise<T[] | undefined> {
  if (!database) return undefined;
  return selectRows<T>(database.db, query).catch(() => undefined);
}

new Gauge({
  name: 'yeyak_outbox_unpublished',
  help: 'Outbox events not yet published to the broker',
  registers: [registry],
  async collect() {
    const rows = await read<{ n: number }>(
      sql`select count(*)::int as n from outbox where published_at is null`,
    );
    if (rows) this.set(rows[0]?.n ?? 0);
  },
});
new Gauge({
  name: 'yeyak_outbox_lag_seconds',
  help: 'Age of the oldest unpublished outbox event (0 when none waits)',
  registers: [registry],
  async collect() {
    const rows = await read<{ s: number | null }>(
      sql`select extract(epoch from now() - min(created_at))::float8 as s from outbox where published_at is null`,
    );
    if (rows) this.set(Number(rows[0]?.s ?? 0));
  },
});
new Gauge({
  name: 'yeyak_event_deliveries_open',
  help: 'Deliveries not done, by consumer and status (claimed, failed, dead)',
  labelNames: ['consumer', 'status'] as const,
  registers: [registry],
  async collect() {
    const rows = await read<{ consumer: string; status: string; n: number }>(
      sql`select consumer, status, count(*)::int as n from event_deliveries where status <> 'done' group by 1, 2`,
    );
    if (!rows) return;
    this.reset();
    for (const r of rows) this.set({ consumer: r.consumer, status: r.status }, r.n);
  },
});
new Gauge({
  name: 'yeyak_job_queue_depth',
  help: 'Jobs waiting to run, by queue (pg-boss created and retry states)',
  labelNames: ['queue'] as const,
  registers: [registry],
  async collect() {
    const rows = await read<{ name: string; n: number }>(
      sql`select name, count(*)::int as n from pgboss.job where state in ('created', 'retry') group by 1`,
    );
    if (!rows) return;
    this.reset();
    for (const r of rows) this.set({ queue: r.name }, r.n);
  },
});
