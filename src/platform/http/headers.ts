import type { FastifyReply } from 'fastify';

/**
 * The web app has no inline script (Vite emits module files), so scripts come only from us.
 * Inline styles stay allowed: the mailbox shows mails (which use style attributes and a <style>)
 * in a sandboxed srcdoc frame, and such a frame inherits this policy. Images: ours, data: (QR
 * codes, mail parts inlined as data: URLs), the public address yeyak links its own files by (demo
 * posters; it differs from the page's origin behind a proxy or in tests) and any https: address,
 * because an event's poster is a URL its organiser typed (an image cannot run script).
 */
function appCsp(publicUrl?: string) {
  let origin = '';
  try {
    origin = publicUrl ? new URL(publicUrl).origin : '';
  } catch {
    origin = '';
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: https:${origin && origin !== 'null' ? ` ${origin}` : ''}`,
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Swagger UI under /docs: its own files, inline styles it sets, data: images; no outside validator. */
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers of every answer (API, static files, errors), set before anything else runs. */
export function securityHeaders(publicUrl?: string) {
  const app = appCsp(publicUrl);
  return (url: string, reply: FastifyReply) => {
    const docs = url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs?');
    reply.header('content-security-policy', docs ? DOCS_CSP : app);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
  };
}
