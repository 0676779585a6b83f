import type { FastifyRequest } from 'fastify';
import type { Auth } from '../auth/service.ts';
import type { RateLimiter, Rule } from '../ratelimit.ts';
import type { App } from './app.ts';

/**
 * A limit a route declares for itself: `config: { rateLimit: RULES.x }` counts per logged-in user
 * (per client address for anonymous callers); `{ rule, by: 'address' }` always per client address.
 * Every request counts, answered or refused; over the limit it is a 429 with Retry-After before
 * the route runs.
 */
export type RouteRateLimit = Rule | { rule: Rule; by: 'user' | 'address' };

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimit?: RouteRateLimit;
  }
}

const split = (l: RouteRateLimit) => ('rule' in l ? l : { rule: l, by: 'user' as const });

/** Installs the hook; call it before any route is added, so every route's own limit is seen. */
export function routeRateLimits(app: App, auth: Auth, limiter: RateLimiter) {
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const declared = req.routeOptions.config?.rateLimit;
    if (!declared) return;
    const { rule, by } = split(declared);
    // A bad or missing token is the route's own 401 to give; here it only means "count by address".
    const user = by === 'user' ? await auth.optional(req).catch(() => undefined) : undefined;
    await limiter.consume(rule, user ? `user:${user.id}` : `address:${req.ip}`);
  });
}
