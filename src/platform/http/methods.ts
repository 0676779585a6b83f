/**
 * Which methods a path has, so a known path asked with another method answers 405 (with Allow)
 * instead of 404. Fastify's router only says "no match", so the routes are noted as they register.
 */
export type KnownRoute = { method: string; pattern: RegExp };

/** `/api/events/:id` → /^\/api\/events\/[^/]+$/ (regex-constrained params and `*` too). */
export function routePattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

export function allowedMethods(routes: readonly KnownRoute[], path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) if (r.pattern.test(path)) methods.add(r.method);
  return [...methods].sort();
}
