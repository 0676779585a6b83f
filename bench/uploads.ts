/**
 * Image uploads: milliseconds and peak RSS per 12 MP JPEG turned into the three WebP variants,
 * 8 uploads at a time over HTTP (multipart, logged in, stored in the database), beside a ceiling
 * measured in the same run: sharp alone doing the same work (EXIF rotation, 128/512/1280 WebP)
 * on the same bytes, 8 at a time, with no HTTP and no database: once uncapped, once with yeyak's cap
 * on images decoded at once (so the cost of the cap and the cost of HTTP + database show apart).
 * Each side runs in a child process of its own, so its peak RSS is its own.
 *
 *   node --import tsx bench/uploads.ts [--images=16] [--backends=pglite,postgres]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { LIMITS, Semaphore } from '../src/platform/uploads/images.ts';
import { VARIANTS } from '../src/platform/uploads/schema.ts';
import { type Backend, login, startApp } from '../test/helpers.ts';
import { fmt, header, isMain, numFlag, percentile, selectedBackends, strFlag, table } from './lib.ts';

const AT_ONCE = 8;
type Result = { n: number; wallMs: number; latencies: number[]; peakRssMb: number; baseRssMb: number };

/** A 4000×3000 photo-like JPEG (gradients and grain, so it does not compress to nothing). */
async function makeJpeg(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const raw = Buffer.alloc(width * height * 3);
  let seed = 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const grain = (seed >> 16) & 31;
      const i = (y * width + x) * 3;
      raw[i] = ((x * 255) / width + grain) & 255;
      raw[i + 1] = ((y * 255) / height + grain) & 255;
      raw[i + 2] = (((x + y) * 128) / (width + height) + grain) & 255;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** Runs `n` jobs, `AT_ONCE` at a time, sampling RSS; each job's own time is kept. */
async function measure(n: number, job: () => Promise<void>): Promise<Result> {
  const baseRssMb = process.memoryUsage().rss / 2 ** 20;
  let peak = baseRssMb;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss / 2 ** 20);
  }, 10);
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: AT_ONCE }, async () => {
      while (next < n) {
        next++;
        const s = performance.now();
        await job();
        latencies.push(performance.now() - s);
      }
    }),
  );
  const wallMs = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss / 2 ** 20);
  return { n, wallMs, latencies, peakRssMb: peak, baseRssMb };
}

/** The ceiling: what the upload does to an image, in sharp alone. */
async function ceiling(jpeg: Buffer, n: number, cap: number): Promise<Result> {
  const gate = new Semaphore(cap);
  return measure(n, () =>
    gate.run(async () => {
      const upright = sharp(jpeg, { limitInputPixels: 40_000_000, failOn: 'warning' }).rotate();
      await Promise.all(
        VARIANTS.map((v) =>
          upright
            .clone()
            .resize({ width: Number(v), height: Number(v), fit: 'inside', withoutEnlargement: true })
            .webp({ quality: 80 })
            .toBuffer(),
        ),
      );
    }),
  );
}

/** yeyak: multipart uploads over HTTP to a whole server on a fresh database. */
async function yeyak(jpeg: Buffer, n: number, backend: Backend): Promise<Result> {
  const t = await startApp(backend, {}, { modules: [] });
  try {
    const user = await login(t);
    const blob = new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' });
    return await measure(n, async () => {
      const form = new FormData();
      form.append('purpose', 'post');
      form.append('file', blob, 'photo.jpg');
      const res = await fetch(`${t.url}/api/files`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${user.token}` },
      });
      if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    });
  } finally {
    await t.stop();
  }
}

function child(phase: string, file: string, n: number): Result {
  const out = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      `--phase=${phase}`,
      `--jpeg=${file}`,
      `--images=${n}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  const line = out.stdout.trim().split('\n').at(-1) ?? '';
  if (out.status !== 0 || !line.startsWith('{')) throw new Error(`${phase} failed: ${out.stdout}`);
  return JSON.parse(line) as Result;
}

export async function runUploads(): Promise<boolean> {
  header(`image uploads: 12 MP JPEG → 128/512/1280 WebP, ${AT_ONCE} at a time`);
  const n = numFlag('images', 16);
  const jpeg = await makeJpeg();
  const file = join(tmpdir(), `yeyak-bench-${process.pid}.jpg`);
  writeFileSync(file, jpeg);
  console.log(
    `input: 4000×3000 JPEG, ${fmt(jpeg.length / 2 ** 20, 1)} MB, EXIF orientation 6; ${n} images\n`,
  );
  const rows: (string | number)[][] = [];
  const row = (name: string, r: Result) => {
    const s = [...r.latencies].sort((a, b) => a - b);
    rows.push([
      name,
      r.n,
      fmt(r.wallMs / r.n),
      fmt(percentile(s, 50)),
      fmt(s.at(-1) ?? 0),
      fmt(r.baseRssMb),
      fmt(r.peakRssMb),
    ]);
  };
  let ok = true;
  try {
    row('ceiling: sharp alone (no HTTP, no DB, 8 images at once)', child('ceiling', file, n));
    row(
      `ceiling: sharp alone, ${LIMITS.concurrent} images at once (yeyak's cap)`,
      child('ceiling-capped', file, n),
    );
    for (const b of selectedBackends()) {
      try {
        row(`yeyak: POST /api/files (${b})`, child(b, file, n));
      } catch (err) {
        ok = false;
        console.error(err);
      }
    }
  } finally {
    console.log(
      table(['what', 'images', 'wall ms / image', 'median ms', 'max ms', 'base RSS MB', 'peak RSS MB'], rows),
    );
  }
  return ok;
}

if (isMain(import.meta.url)) {
  const phase = strFlag('phase');
  if (phase) {
    const jpeg = readFileSync(strFlag('jpeg') as string);
    const n = numFlag('images', 16);
    const r =
      phase === 'ceiling'
        ? await ceiling(jpeg, n, AT_ONCE)
        : phase === 'ceiling-capped'
          ? await ceiling(jpeg, n, LIMITS.concurrent)
          : await yeyak(jpeg, n, phase as Backend);
    console.log(JSON.stringify(r));
    process.exit(0);
  }
  process.exitCode = (await runUploads()) ? 0 : 1;
}
