import type { FastifyReply } from 'fastify';

/**
 * The web app has no inline script (Vite emits module files), so scripts come only from us.
 * Inline styles stay allowed: the mailbox shows mails (which use style attributes and a <style>)
 * in a sandboxed srcdoc frame, and such a frame inherits this policy. Images: ours and data:
 * (QR codes, mail parts inlined as data: URLs).
 */
const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

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

/** Set on every answer (API, static files, errors) before anything else runs. */
export function securityHeaders(url: string, reply: FastifyReply) {
  const docs = url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs?');
  reply.header('content-security-policy', docs ? DOCS_CSP : APP_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-opener-policy', 'same-origin');
}
