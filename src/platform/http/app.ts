import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { constraintError } from '../constraints.ts';
import { sqlState } from '../db.ts';
import { AppError, badRequest, type FieldError, fieldError } from '../errors.ts';
import { codeIssue, codeText } from '../messages/validation.ts';
import { httpDuration } from '../metrics.ts';
import { projectRoot } from '../paths.ts';
import { securityHeaders } from './headers.ts';
import { refuseBadText } from './input.ts';
import { allowedMethods, routePattern } from './methods.ts';

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  Logger,
  ZodTypeProvider
>;

const webDist = resolve(projectRoot, 'web/dist');

/**
 * The one answer shape: `{code, description, data?}` with the real HTTP status; a message from the
 * catalog adds its `key` and `params` so clients can show it in their reader's language.
 */
export function envelope<T>(
  reply: FastifyReply,
  status: number,
  description: string,
  data?: T,
  message?: Coded,
) {
  reply.code(status);
  const head = { code: status, description, ...codedPart(message) };
  return data === undefined ? head : { ...head, data };
}

type Coded = { key?: string; params?: Record<string, string | number> };
const codedPart = (m?: Coded) =>
  m?.key ? (m.params ? { key: m.key, params: m.params } : { key: m.key }) : {};

/** Field errors written as text get the catalog's code for their text, when there is one. */
function codedErrors(data: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!data || !Array.isArray(data.errors)) return data;
  return {
    ...data,
    errors: (data.errors as FieldError[]).map((e) => ({ ...fieldError(e.path, e.message), ...e })),
  };
}

export const ok = <T>(reply: FastifyReply, data?: T, description = 'ok') =>
  envelope(reply, 200, description, data);

const STATUS_TEXT: Record<number, string> = {
  400: 'bad request',
  401: 'login required',
  403: 'not allowed',
  404: 'not found',
  405: 'method not allowed',
  409: 'conflict',
  413: 'request body too large',
  415: 'unsupported content type',
  429: 'too many requests',
};

function fieldErrors(err: FastifyError & { validationContext?: string }): FieldError[] {
  const where = err.validationContext ?? 'body';
  return (err.validation ?? []).flatMap((v) => {
    const segments = v.instancePath.split('/').filter(Boolean);
    const params = v.params as { keys?: string[]; expected?: string; input?: unknown } | undefined;
    // One error per unknown field, named by its own path.
    if (v.keyword === 'unrecognized_keys' && params?.keys?.length) {
      return params.keys.map((k) => {
        const path = [where, ...segments, k].join('.');
        return { path, message: 'unknown field', ...codeIssue(path, { keyword: v.keyword }) };
      });
    }
    const path = [where, ...segments].join('.');
    const coded = codeIssue(path, { keyword: v.keyword, message: v.message, params: v.params });
    let message = codeText(v.message ?? 'invalid');
    if (
      v.keyword === 'invalid_type' &&
      params &&
      params.input === undefined &&
      /received undefined/.test(message)
    ) {
      message = 'required';
    }
    return [{ path, message, ...coded }];
  });
}

export type HttpOptions = {
  logger: Logger;
  bodyLimit: number;
  serveWeb: boolean;
  trustProxy?: string;
  /** where yeyak's own links point (PUBLIC_URL): images from there are allowed by the CSP */
  publicUrl?: string;
  /** Told of every 5xx answer, with the route's pattern (never the raw URL, which may carry tokens). */
  onServerError?: (answer: ServerErrorAnswer) => void;
};

export type ServerErrorAnswer = {
  method: string;
  route: string;
  status: number;
  requestId: string;
  error?: unknown;
};

export async function createHttp(opts: HttpOptions): Promise<App> {
  const headers = securityHeaders(opts.publicUrl);
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit,
    logController: new LogController({ disableRequestLogging: true }),
    // X-Forwarded-For only from these peers: anyone else could pick their own address (and rate limit).
    trustProxy: opts.trustProxy ?? 'loopback,linklocal,uniquelocal',
    // Errors the router meets before any route (a bad %-escape, a path parameter over 100
    // characters) get the envelope too, not Fastify's own body.
    frameworkErrors: (err, req, rawReply) => {
      const reply = rawReply as FastifyReply;
      headers(req.url, reply);
      if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
        return reply.send(
          envelope(reply, 414, 'a path parameter is too long', {
            errors: [{ path: 'params', message: 'too long (at most 100 characters)' }],
          }),
        );
      }
      const message = err.code === 'FST_ERR_BAD_URL' ? 'not a valid %-escape' : 'the URL could not be routed';
      return reply.send(
        envelope(reply, 400, `invalid url: ${message}`, { errors: [{ path: 'url', message }] }),
      );
    },
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;
  // The API speaks JSON only; anything else is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (req, reply) => {
    headers(req.url, reply);
  });
  // Before the schemas of any route: text the database cannot store is a 400 naming the field.
  app.addHook('preValidation', async (req) => {
    const errors = refuseBadText(req);
    const first = errors[0];
    if (first) throw badRequest(`invalid ${first.path}: ${first.message}`, errors);
  });
  // Shutting down: an answer still in flight is sent in full and closes its connection, and a
  // keep-alive connection that falls idle is closed then (server.close() closes only those idle at
  // the moment it is called; the rest would hold the exit for the 72 s keep-alive timeout).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async () => {
    if (closing) app.server.closeIdleConnections();
  });
  // Every JSON answer to a GET carries a weak ETag of its body; a client that sends it back
  // (If-None-Match, as the web app's polling hook does) gets a bodiless 304 when nothing changed.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'GET' || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    if (reply.hasHeader('etag')) return payload;
    const tag = `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
    reply.header('etag', tag);
    if (req.headers['if-none-match'] !== tag) return payload;
    reply.code(304);
    reply.removeHeader('content-type');
    reply.removeHeader('content-length');
    return '';
  });
  const routes: { method: string; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, pattern: routePattern(route.url) });
  });

  // The error behind a 5xx, kept for onServerError until the answer is sent.
  const failures = new WeakMap<object, unknown>();
  app.addHook('onResponse', async (req, reply) => {
    httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unrouted', status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
    if (reply.statusCode < 500 || !opts.onServerError) return;
    opts.onServerError({
      method: req.method,
      route: req.routeOptions.url ?? 'unrouted',
      status: reply.statusCode,
      requestId: String(req.id),
      error: failures.get(req),
    });
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = fieldErrors(err as FastifyError & { validationContext?: string });
      const first = errors[0];
      return reply.send(
        envelope(
          reply,
          400,
          first ? `invalid ${first.path}: ${first.message}` : 'invalid input',
          { errors },
          first,
        ),
      );
    }
    // A registered check constraint (see constraints.ts) is the client's error, with its code and field.
    const e = err instanceof AppError ? err : constraintError(err);
    if (e) {
      // A rate limit says when to come back in the header clients and proxies read, too.
      if (e.status === 429 && typeof e.data?.retryAfter === 'number')
        reply.header('retry-after', String(e.data.retryAfter));
      const data = codedErrors(e.data);
      // A bad request named only by its fields speaks with its first field's code.
      const first = Array.isArray(data?.errors) ? (data.errors as FieldError[])[0] : undefined;
      return reply.send(envelope(reply, e.status, e.message, data, e.key ? e : first));
    }
    if (sqlState(err) === '23505') return reply.send(envelope(reply, 409, 'already exists'));
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors: bad JSON, body too large, wrong content type …
      const description =
        err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.name === 'SyntaxError'
          ? 'body is not valid JSON'
          : err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? 'body is empty: send a JSON object'
            : (STATUS_TEXT[status] ?? err.message);
      // A 400 from the parser is about the body as a whole: it is the field to name.
      const data = status === 400 ? { errors: [{ path: 'body', message: description }] } : undefined;
      return reply.send(envelope(reply, status, description, data));
    }
    req.log.error({ err }, 'unhandled error');
    failures.set(req, err);
    return reply.send(envelope(reply, 500, 'internal error'));
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'yeyak', description: 'Reservations and booking automation', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const hasWeb = opts.serveWeb && existsSync(resolve(webDist, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: webDist, wildcard: false, index: ['index.html'] });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    const isApi = path.startsWith('/api/') || path.startsWith('/reservation/') || path === '/health';
    if (hasWeb && req.method === 'GET' && !isApi && !path.includes('.')) {
      // Client-side routes of the single-page app.
      return reply.type('text/html').sendFile('index.html');
    }
    const allow = allowedMethods(routes, path);
    if (allow.length) {
      reply.header('allow', allow.join(', '));
      return reply.send(envelope(reply, 405, `${req.method} is not allowed on ${path}`, { allow }));
    }
    return reply.send(envelope(reply, 404, `no route ${req.method} ${path}`));
  });
  return app;
}
