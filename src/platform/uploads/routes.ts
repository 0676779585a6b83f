import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Auth } from '../auth/service.ts';
import { AppError, fieldError, invalidField, notFound } from '../errors.ts';
import { type App, envelope, ok } from '../http/app.ts';
import { msg } from '../messages/index.ts';
import type { RateLimiter } from '../ratelimit.ts';
import { RULES } from '../ratelimit.ts';
import { LIMITS, PURPOSES, type Uploads, VARIANTS } from './index.ts';

const tags = ['files'];
const fileParams = z.object({ id: z.uuid('not a file id') });

/** The file and the `purpose` field of one multipart upload (the file is at most LIMITS.bytes). */
async function readUpload(req: FastifyRequest): Promise<{ data: Buffer; purpose: unknown }> {
  if (!req.isMultipart()) throw invalidField('file', msg('uploads.multipart'));
  let data: Buffer | undefined;
  let purpose: unknown;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (data) throw invalidField('file', msg('uploads.one_file'));
        data = await part.toBuffer();
      } else if (part.fieldname === 'purpose') {
        purpose = part.value;
      }
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      // The rest of the body is read and dropped so the client gets the answer, not a reset.
      req.raw.resume();
      const tooLarge = msg('uploads.too_large', { mb: LIMITS.bytes / 1024 / 1024 });
      throw new AppError(
        413,
        { ...tooLarge, text: `file: larger than ${tooLarge.params?.mb} MB` },
        {
          errors: [fieldError('file', tooLarge)],
        },
      );
    }
    if ((err as { code?: string }).code === 'FST_FILES_LIMIT') {
      req.raw.resume();
      throw invalidField('file', msg('uploads.one_file'));
    }
    throw err;
  }
  if (!data?.length) throw invalidField('file', msg('validation.required'));
  return { data, purpose };
}

/**
 * Image uploads. Multipart is registered only in this scope: the rest of the API stays JSON.
 * Variants are public by id and never change, so they are cached for a year.
 */
export function uploadRoutes(app: App, auth: Auth, uploads: Uploads, limiter: RateLimiter) {
  app.register(async (scope: App) => {
    await scope.register(multipart, {
      limits: { fileSize: LIMITS.bytes, files: 1, fields: 4, parts: 5, fieldSize: 200 },
    });
    scope.post(
      '/api/files',
      {
        onRequest: auth.guard(),
        schema: {
          tags,
          summary: `Upload an image (multipart: file + purpose; JPEG, PNG, WebP, AVIF or GIF, at most ${LIMITS.bytes / 1024 / 1024} MB and ${LIMITS.pixels / 1_000_000} MP)`,
        },
      },
      async (req, reply) => {
        const user = await auth.require(req);
        await limiter.consume(RULES.uploadUser, user.id);
        const { data, purpose } = await readUpload(req);
        const p = z.enum(PURPOSES).safeParse(purpose);
        if (!p.success) {
          throw invalidField(
            'purpose',
            purpose === undefined
              ? msg('validation.required')
              : msg('uploads.purpose', { values: PURPOSES.join(', ') }),
          );
        }
        const file = await uploads.save(user.id, p.data, data);
        return envelope(reply, 201, 'file uploaded', { file });
      },
    );
  });

  app.get(
    '/api/files/:id',
    {
      schema: {
        tags,
        summary: 'An uploaded image: its size and the URLs of its variants',
        params: fileParams,
      },
    },
    async (req, reply) => {
      const file = await uploads.get(req.params.id);
      if (!file) throw notFound('file');
      return ok(reply, { file });
    },
  );

  app.get(
    '/api/files/:id/:variant',
    {
      schema: {
        tags,
        summary: 'One variant of an image (WebP; ETag, cached for a year)',
        params: fileParams.extend({ variant: z.enum(VARIANTS) }),
      },
    },
    async (req, reply) => {
      const found = await uploads.variant(req.params.id, req.params.variant);
      if (!found) throw notFound('file');
      const etag = `"${found.etag}"`;
      reply.header('etag', etag);
      reply.header('cache-control', 'public, max-age=31536000, immutable');
      reply.header('x-content-type-options', 'nosniff');
      const match = req.headers['if-none-match'];
      if (match?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
        return reply.code(304).send();
      }
      return reply.code(200).type('image/webp').send(found.data);
    },
  );

  app.delete(
    '/api/files/:id',
    {
      onRequest: auth.guard(),
      schema: { tags, summary: 'Delete an image (its owner or an admin)', params: fileParams },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      await uploads.remove(user, req.params.id);
      return ok(reply, undefined, 'file deleted');
    },
  );
}
