import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineModule } from '../../src/platform/module.ts';
import { RULES, rateLimiter } from '../../src/platform/ratelimit.ts';
import { backends, client, login, startApp, type TestApp } from '../helpers.ts';

declare module '../../src/platform/module.ts' {
  interface ModuleApis {
    gallery: Record<string, never>;
  }
}

/** Files a module keeps by a finder (not a column): the sweep must keep these too. */
const pinned = new Set<string>();

/** A module that refers to files from a column of its table and from a finder. */
const gallery = defineModule({
  name: 'gallery',
  fileColumns: [{ table: 'gallery_posts', column: 'image_id' }],
  create: () => ({ api: {}, referencedFiles: async () => [...pinned] }),
});

type FileView = {
  id: string;
  purpose: string;
  width: number;
  height: number;
  variants: Record<string, string>;
};
type Uploaded = { file: FileView };

async function upload(
  url: string,
  token: string | undefined,
  data: Buffer,
  opts: { name?: string; type?: string; purpose?: string | null } = {},
) {
  const form = new FormData();
  if (opts.purpose !== null) form.append('purpose', opts.purpose ?? 'post');
  form.append(
    'file',
    new Blob([new Uint8Array(data)], { type: opts.type ?? 'image/jpeg' }),
    opts.name ?? 'photo.jpg',
  );
  const res = await fetch(`${url}/api/files`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body = (await res.json()) as {
    code: number;
    description: string;
    data?: Uploaded & { errors?: { path: string }[] };
  };
  return { status: res.status, body };
}

const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#c33' } });

/** A PNG whose header claims 10000×10000 but whose pixels are one: a decompression bomb in miniature. */
async function pixelBomb(): Promise<Buffer> {
  const png = Buffer.from(await solid(1, 1).png().toBuffer());
  // IHDR data starts at byte 16 (8 signature + 4 length + 4 type); its CRC follows the 13 data bytes.
  png.writeUInt32BE(10_000, 16);
  png.writeUInt32BE(10_000, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

describe.each(backends)('image uploads (%s)', (backend) => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof login>>;
  beforeAll(async () => {
    t = await startApp(backend, {}, { modules: [gallery] });
    owner = await login(t);
  });
  afterAll(() => t?.stop());

  it('rotates a JPEG by its EXIF orientation, drops its metadata (GPS too) and makes three WebP sizes', async () => {
    const jpeg = await solid(1600, 1000)
      .jpeg()
      .withExif({ IFD0: { Make: 'TestCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 0/1' } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const input = await sharp(jpeg).metadata();
    expect(input.orientation).toBe(6);
    // The GPS IFD pointer (tag 0x8825, little-endian) is in the input's EXIF.
    expect(input.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true);

    const res = await upload(t.url, owner.token, jpeg, { purpose: 'avatar' });
    expect(res.status).toBe(201);
    const file = res.body.data?.file as FileView;
    // Orientation 6 is a quarter turn: upright, the picture is portrait.
    expect(file).toMatchObject({ purpose: 'avatar', width: 1000, height: 1600 });
    expect(Object.keys(file.variants).sort()).toEqual(['128', '1280', '512']);

    const sizes: Record<string, [number, number]> = {
      '128': [80, 128],
      '512': [320, 512],
      '1280': [800, 1280],
    };
    for (const [variant, [w, h]] of Object.entries(sizes)) {
      const got = await fetch(t.url + file.variants[variant]);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/webp');
      const meta = await sharp(Buffer.from(await got.arrayBuffer())).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: w, height: h });
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
    }
  });

  it('accepts PNG and GIF by their bytes (a GIF keeps its first frame) and never enlarges', async () => {
    const png = await solid(300, 200).png().toBuffer();
    const res = await upload(t.url, owner.token, png, { name: 'x.bin', type: 'application/octet-stream' });
    expect(res.status).toBe(201);
    expect(res.body.data?.file).toMatchObject({ width: 300, height: 200 });
    const big = await fetch(t.url + (res.body.data?.file.variants['1280'] ?? ''));
    expect(await sharp(Buffer.from(await big.arrayBuffer())).metadata()).toMatchObject({
      width: 300,
      height: 200,
    });

    const gif = await sharp({ create: { width: 40, height: 30, channels: 4, background: '#0f0' } })
      .gif()
      .toBuffer();
    const g = await upload(t.url, owner.token, gif, { name: 'a.gif', type: 'image/gif' });
    expect(g.status).toBe(201);
    const small = await fetch(t.url + (g.body.data?.file.variants['128'] ?? ''));
    const meta = await sharp(Buffer.from(await small.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 40, height: 30 });
    expect(meta.pages ?? 1).toBe(1);
  });

  it('refuses what is not a supported image by its bytes (SVG or text named .jpg, HEIC) with a 415 naming file', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
    );
    const text = Buffer.from('hello, this is not a picture at all');
    // An ISO-BMFF header with the HEIC brand, as an iPhone photo starts.
    const heic = Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from('ftypheic'),
      Buffer.from([0, 0, 0, 0]),
      Buffer.from('mif1heic'),
      Buffer.alloc(64),
    ]);
    for (const bytes of [svg, text, heic]) {
      const res = await upload(t.url, owner.token, bytes, { name: 'photo.jpg', type: 'image/jpeg' });
      expect(res.status).toBe(415);
      expect(res.body.data?.errors?.[0]).toMatchObject({ path: 'file', key: 'uploads.not_image' });
      expect(res.body).toMatchObject({ key: 'uploads.not_image' });
    }
  });

  it('answers 413 over 10 MB, 422 for a pixel bomb and a truncated JPEG, 400 for a bad purpose', async () => {
    const huge = Buffer.concat([await solid(10, 10).jpeg().toBuffer(), Buffer.alloc(11 * 1024 * 1024)]);
    const tooBig = await upload(t.url, owner.token, huge);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.data?.errors?.[0]).toMatchObject({
      path: 'file',
      key: 'uploads.too_large',
      params: { mb: 10 },
    });

    const bomb = await pixelBomb();
    expect(bomb.length).toBeLessThan(1000);
    const b = await upload(t.url, owner.token, bomb, { name: 'bomb.png' });
    expect(b.status).toBe(422);
    expect(b.body.description).toMatch(/pixels/);
    expect(b.body).toMatchObject({ key: 'uploads.too_many_pixels' });

    const jpeg = await solid(800, 600).jpeg().toBuffer();
    const cut = await upload(t.url, owner.token, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    expect(cut.status).toBe(422);
    expect(cut.body.data?.errors?.[0].path).toBe('file');

    const png = await solid(10, 10).png().toBuffer();
    const bad = await upload(t.url, owner.token, png, { purpose: 'wallpaper' });
    expect(bad.status).toBe(400);
    expect(bad.body.data?.errors?.[0]).toMatchObject({ path: 'purpose', key: 'uploads.purpose' });
    expect((await upload(t.url, owner.token, png, { purpose: null })).status).toBe(400);
    expect((await upload(t.url, undefined, png)).status).toBe(401);
    const two = new FormData();
    two.append('purpose', 'post');
    two.append('file', new Blob([new Uint8Array(png)]), 'a.png');
    two.append('file', new Blob([new Uint8Array(png)]), 'b.png');
    const twice = await owner.api.raw('/api/files', { method: 'POST', body: two });
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { data: { errors: { path: string }[] } }).data.errors[0].path).toBe(
      'file',
    );
    // The rest of the API still speaks JSON only.
    expect((await owner.api.post('/api/files', { file: 'x' })).status).toBe(400);
  });

  it('serves variants with an ETag, a year of caching and 304; public by id, deleted only by the owner', async () => {
    const res = await upload(t.url, owner.token, await solid(64, 64).png().toBuffer());
    const file = res.body.data?.file as FileView;
    const first = await fetch(t.url + file.variants['512']);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    const again = await fetch(t.url + file.variants['512'], { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);

    const bad = await client(t.url).get<{ errors: { path: string }[] }>('/api/files/not-a-uuid/128');
    expect(bad.status).toBe(400);
    expect(bad.body.data?.errors[0].path).toBe('params.id');
    expect((await client(t.url).get(`/api/files/${file.id}/99`)).status).toBe(400);
    expect((await client(t.url).get('/api/files/6f1c1d8e-2b1a-4c1e-9d1a-1a2b3c4d5e6f/128')).status).toBe(404);

    const other = await login(t);
    expect((await other.api.raw(file.variants['128'])).status).toBe(200);
    expect((await other.api.get(`/api/files/${file.id}`)).status).toBe(200);
    expect((await other.api.del(`/api/files/${file.id}`)).status).toBe(403);
    expect((await owner.api.del(`/api/files/${file.id}`)).status).toBe(200);
    expect((await client(t.url).get(file.variants['128'])).status).toBe(404);
  });

  it('sweeps old files nothing refers to; keeps referenced and young ones', async () => {
    const db = t.y.ctx.database.db;
    await db.execute(sql`create table if not exists gallery_posts (id serial primary key, image_id uuid)`);
    const png = await solid(20, 20).png().toBuffer();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await upload(t.url, owner.token, png);
      ids.push(r.body.data?.file.id ?? '');
    }
    const [orphan, byColumn, byFinder, young] = ids;
    await db.execute(sql`insert into gallery_posts (image_id) values (${byColumn})`);
    pinned.add(byFinder);
    await db.execute(
      sql`update files set created_at = now() - interval '2 days' where id in (${orphan}, ${byColumn}, ${byFinder})`,
    );
    const deleted = await t.y.uploads.sweep();
    expect(deleted).toContain(orphan);
    for (const kept of [byColumn, byFinder, young]) expect(deleted).not.toContain(kept);
    expect((await client(t.url).get(`/api/files/${orphan}`)).status).toBe(404);
    expect((await client(t.url).get(`/api/files/${byColumn}`)).status).toBe(200);
    expect((await client(t.url).get(`/api/files/${young}`)).status).toBe(200);
    // The sweep runs daily as a pg-boss cron job.
    const schedule = await t.y.ctx.database.raw(
      "select cron from pgboss.schedule where name = 'files.sweep'",
    );
    expect(schedule.rows).toEqual([{ cron: '17 3 * * *' }]);
  });

  it('limits uploads per account with a 429', async () => {
    const user = await login(t);
    const me = await user.api.get<{ user: { id: string } }>('/api/auth/me');
    const id = me.body.data?.user.id as string;
    const limiter = rateLimiter(t.y.ctx.database);
    for (let i = 0; i < RULES.uploadUser.limit; i++) await limiter.hit(RULES.uploadUser, id);
    const res = await upload(t.url, user.token, await solid(10, 10).png().toBuffer());
    expect(res.status).toBe(429);
  });
});

describe('image uploads in UPLOADS_DIR', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'yeyak-uploads-'));
  beforeAll(async () => {
    t = await startApp('pglite', { uploadsDir: dir });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the bytes in the folder, not the database, and serves them', async () => {
    const owner = await login(t);
    const res = await upload(t.url, owner.token, await solid(600, 300).png().toBuffer());
    expect(res.status).toBe(201);
    const file = res.body.data?.file as FileView;
    expect(readdirSync(join(dir, file.id)).sort()).toEqual(['128.webp', '1280.webp', '512.webp']);
    const rows = await t.y.ctx.database.raw(
      'select count(*)::int as n from file_variants where data is not null',
    );
    expect(rows.rows[0].n).toBe(0);
    const got = await fetch(t.url + file.variants['512']);
    expect(await sharp(Buffer.from(await got.arrayBuffer())).metadata()).toMatchObject({
      width: 512,
      height: 256,
    });
    expect((await owner.api.del(`/api/files/${file.id}`)).status).toBe(200);
    expect(readdirSync(dir)).toEqual([]);
  });
});
