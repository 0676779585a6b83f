import { createHash } from 'node:crypto';
import type { Metadata } from 'sharp';
import { AppError, fieldError } from '../errors.ts';
import { type Msg, msg } from '../messages/index.ts';
import { VARIANTS, type Variant } from './schema.ts';

/** The limits of one upload; the README lists them. */
export const LIMITS = {
  bytes: 10 * 1024 * 1024,
  /** width × height of the original, read from its header before anything is decoded */
  pixels: 40_000_000,
  /** images turned into variants at the same time in this process (each may take ~200 MB at 40 MP) */
  concurrent: 2,
} as const;

/** The types accepted, by what their bytes say. GIF: the first frame only. */
const ACCEPTED = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif']);

export type Rendition = { variant: Variant; width: number; height: number; data: Buffer; etag: string };
export type Processed = { mime: string; width: number; height: number; variants: Rendition[] };

const fileError = (status: number, message: Msg) =>
  new AppError(
    status,
    { ...message, text: `file: ${message.text}` },
    { errors: [fieldError('file', message)] },
  );

/** A small counting semaphore: decoding is memory- and CPU-heavy, so only a few run at once. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` only drops when nobody waits.
      if (next) next();
      else this.active--;
    }
  }
}

/** The type by magic bytes; anything not accepted (SVG, HEIC, text …) is a 415 naming `file`. */
export async function detectType(data: Buffer): Promise<string> {
  // file-type is loaded at the first upload, not at start.
  const { fileTypeFromBuffer } = await import('file-type');
  const found = await fileTypeFromBuffer(data);
  if (!found || !ACCEPTED.has(found.mime)) {
    throw fileError(415, msg('uploads.not_image', { type: found?.mime ?? '?' }));
  }
  return found.mime;
}

/**
 * Checks and converts one upload: type from its bytes, pixel count from its header, then EXIF
 * rotation and one WebP per variant (longest side, never enlarged). sharp writes no metadata
 * unless asked, so EXIF (GPS included), ICC comments and XMP are gone from every variant.
 */
export async function processImage(data: Buffer, gate: Semaphore): Promise<Processed> {
  const mime = await detectType(data);
  // sharp (libvips) is loaded with the first upload, not when the server starts.
  const { default: sharp } = await import('sharp');
  const options = { limitInputPixels: LIMITS.pixels, failOn: 'warning' as const, pages: 1 };
  let meta: Metadata;
  try {
    // The header only: sharp's own pixel check would refuse here without saying the size.
    meta = await sharp(data, { ...options, limitInputPixels: false }).metadata();
  } catch {
    throw fileError(422, msg('uploads.unreadable'));
  }
  const { width = 0, height = 0 } = meta;
  if (!width || !height) throw fileError(422, msg('uploads.no_size'));
  if (width * height > LIMITS.pixels) {
    throw fileError(422, msg('uploads.too_many_pixels', { width, height, mp: LIMITS.pixels / 1_000_000 }));
  }
  // Orientations 5–8 turn the picture a quarter: its upright size swaps width and height.
  const turned = (meta.orientation ?? 1) >= 5;
  return gate.run(async () => {
    try {
      const upright = sharp(data, options).rotate();
      const variants = await Promise.all(
        VARIANTS.map(async (variant) => {
          const side = Number(variant);
          const out = await upright
            .clone()
            .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
            .webp({ quality: 80 })
            .toBuffer({ resolveWithObject: true });
          return {
            variant,
            width: out.info.width,
            height: out.info.height,
            data: out.data,
            etag: createHash('sha256').update(out.data).digest('hex'),
          };
        }),
      );
      return { mime, width: turned ? height : width, height: turned ? width : height, variants };
    } catch {
      throw fileError(422, msg('uploads.undecodable'));
    }
  });
}
