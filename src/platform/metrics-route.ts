import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from './errors.ts';
import type { App } from './http/app.ts';
import { registry } from './metrics.ts';
import type { RuntimeSettings } from './settings/index.ts';
import { defineSetting } from './settings/spec.ts';

/** The bearer token a Prometheus scraper sends; sealed at rest, never shown. Empty: /metrics is off. */
export const metricsToken = defineSetting({
  key: 'metrics.token',
  schema: z.union([
    z.literal(''),
    z.string().min(24, 'at least 24 characters (it guards what the server is doing)').max(200),
  ]),
  default: '',
  access: 'secret',
  label: {
    en: 'Bearer token for GET /metrics (Prometheus); empty: metrics are off',
    ko: 'GET /metrics(Prometheus)에 쓰는 Bearer 토큰 (비우면 꺼짐)',
  },
});

/** Equal-time comparison of what was sent with the setting (hashes: equal lengths, no length leak). */
function tokenMatches(sent: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

/**
 * `GET /metrics` in Prometheus' text format, for a scraper holding the `metrics.token` setting.
 * Without the setting the route answers 404 (nothing to find); a wrong or missing token is a 401.
 */
export function metricsRoutes(app: App, settings: RuntimeSettings) {
  app.get(
    '/metrics',
    { schema: { tags: ['platform'], summary: 'Prometheus metrics (Bearer metrics.token)', hide: true } },
    async (req, reply) => {
      const expected = settings.get(metricsToken);
      if (!expected) throw new AppError(404, 'metrics are off: an admin sets metrics.token to turn them on');
      const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
      if (!m || !tokenMatches(m[1].trim(), expected)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError(401, 'metrics: send the metrics.token setting as a Bearer token');
      }
      reply.header('content-type', registry.contentType);
      reply.header('cache-control', 'no-store');
      return reply.send(await registry.metrics());
    },
  );
}
