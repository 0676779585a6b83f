import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db.ts';
import { forbidden, notFound } from '../errors.ts';
import { msg } from '../messages/index.ts';
import { LIMITS, type Processed, processImage, Semaphore } from './images.ts';
import { files, fileVariants, type Purpose, VARIANTS, type Variant } from './schema.ts';

/** A file id as stored (a non-UUID asks the database nothing). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export { LIMITS } from './images.ts';
export { PURPOSES, type Purpose, VARIANTS, type Variant } from './schema.ts';

/** A column of some module's table that holds a file id (uuid or text); the sweep keeps those files. */
export type FileColumn = { table: string; column: string };
/** Or, for references a column list cannot say (JSON, markdown …): a function returning the ids in use. */
export type FileFinder = () => Promise<string[]>;

export type FileView = {
  id: string;
  purpose: Purpose;
  width: number;
  height: number;
  variants: Record<Variant, string>;
};

export type StoredVariant = { etag: string; data: Buffer };

/** How old an unreferenced upload must be before the sweep deletes it: a day to get attached. */
const KEEP_UNATTACHED_MS = 24 * 3_600_000;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export const fileUrl = (id: string, variant: Variant) => `/api/files/${id}/${variant}`;

/**
 * Uploaded images: checked, converted to WebP variants and kept in the database (file_variants.data)
 * or, with UPLOADS_DIR, in `<dir>/<id>/<variant>.webp`. Images are public by id (the id is a
 * random uuid); only the owner or an admin deletes one.
 */
export class Uploads {
  private readonly gate = new Semaphore(LIMITS.concurrent);
  private readonly columns: FileColumn[] = [];
  private readonly finders: FileFinder[] = [];

  constructor(
    private readonly database: Database,
    private readonly log: Logger,
    private readonly dir?: string,
  ) {}

  /** Declares where files are referred to; a bad table or column name is a programming error. */
  refer(columns: FileColumn[] = [], finder?: FileFinder) {
    for (const c of columns) {
      if (!IDENTIFIER.test(c.table) || !IDENTIFIER.test(c.column)) {
        throw new Error(`file reference ${c.table}.${c.column}: not a plain lower-case SQL name`);
      }
      this.columns.push(c);
    }
    if (finder) this.finders.push(finder);
  }

  /** Checks, converts and stores one upload (see images.ts for the 413/415/422 answers). */
  async save(ownerId: string, purpose: Purpose, data: Buffer): Promise<FileView> {
    const image = await processImage(data, this.gate);
    const id = randomUUID();
    if (this.dir) await this.writeVariants(id, image);
    try {
      await this.database.db.transaction(async (tx) => {
        await tx.insert(files).values({
          id,
          ownerId,
          purpose,
          originalMime: image.mime,
          width: image.width,
          height: image.height,
        });
        await tx.insert(fileVariants).values(
          image.variants.map((v) => ({
            fileId: id,
            variant: v.variant,
            width: v.width,
            height: v.height,
            bytes: v.data.length,
            etag: v.etag,
            data: this.dir ? null : v.data,
          })),
        );
      });
    } catch (err) {
      if (this.dir) await rm(join(this.dir, id), { recursive: true, force: true });
      throw err;
    }
    return view({ id, purpose, width: image.width, height: image.height });
  }

  private async writeVariants(id: string, image: Processed) {
    const dir = join(this.dir as string, id);
    await mkdir(dir, { recursive: true });
    for (const v of image.variants) await writeFile(join(dir, `${v.variant}.webp`), v.data);
  }

  /** Which of `ids` this user uploaded (for `purpose`, when given): what they may attach to their own things. */
  async ownedBy(ownerId: string, ids: string[], purpose?: Purpose): Promise<Set<string>> {
    const wanted = ids.filter((id) => UUID.test(id));
    if (!wanted.length) return new Set();
    const rows = await this.database.db
      .select({ id: files.id })
      .from(files)
      .where(
        and(
          inArray(files.id, wanted),
          eq(files.ownerId, ownerId),
          purpose ? eq(files.purpose, purpose) : undefined,
        ),
      );
    return new Set(rows.map((r) => r.id));
  }

  async get(id: string): Promise<FileView | undefined> {
    const [row] = await this.database.db.select().from(files).where(eq(files.id, id));
    return row ? view(row) : undefined;
  }

  /** One variant's bytes and etag, or undefined. */
  async variant(id: string, variant: Variant): Promise<StoredVariant | undefined> {
    const [row] = await this.database.db
      .select({ etag: fileVariants.etag, data: fileVariants.data })
      .from(fileVariants)
      .where(and(eq(fileVariants.fileId, id), eq(fileVariants.variant, variant)));
    if (!row) return undefined;
    if (row.data) return { etag: row.etag, data: row.data };
    if (!this.dir) return undefined;
    try {
      return { etag: row.etag, data: await readFile(join(this.dir, id, `${variant}.webp`)) };
    } catch {
      this.log.warn({ fileId: id, variant }, 'uploaded file missing from UPLOADS_DIR');
      return undefined;
    }
  }

  /** Deletes a file: its owner or an admin only. */
  async remove(actor: { id: string; role: string }, id: string) {
    const [row] = await this.database.db
      .select({ ownerId: files.ownerId })
      .from(files)
      .where(eq(files.id, id));
    if (!row) throw notFound('file');
    if (row.ownerId !== actor.id && actor.role !== 'admin') throw forbidden(msg('uploads.owner_deletes'));
    await this.database.db.delete(files).where(eq(files.id, id));
    if (this.dir) await rm(join(this.dir, id), { recursive: true, force: true });
  }

  /**
   * Deletes files older than a day that no declared column or finder refers to (the daily job).
   * The column check is repeated in the delete itself, so a file attached meanwhile stays.
   */
  async sweep(now = new Date()): Promise<string[]> {
    const cutoff = new Date(now.getTime() - KEEP_UNATTACHED_MS);
    const unreferenced = this.columns.map(
      (c) =>
        sql`not exists (select 1 from ${sql.identifier(c.table)} r where r.${sql.identifier(c.column)}::text = ${files.id}::text)`,
    );
    const where: SQL[] = [sql`${files.createdAt} < ${cutoff}`, ...unreferenced];
    const candidates = await this.database.db
      .select({ id: files.id })
      .from(files)
      .where(and(...where));
    if (!candidates.length) return [];
    const kept = new Set((await Promise.all(this.finders.map((f) => f()))).flat());
    const doomed = candidates.map((c) => c.id).filter((id) => !kept.has(id));
    const deleted: string[] = [];
    for (let i = 0; i < doomed.length; i += 500) {
      const batch = doomed.slice(i, i + 500);
      const rows = await this.database.db
        .delete(files)
        .where(and(inArray(files.id, batch), ...where))
        .returning({ id: files.id });
      deleted.push(...rows.map((r) => r.id));
    }
    if (this.dir) {
      for (const id of deleted) await rm(join(this.dir, id), { recursive: true, force: true });
    }
    if (deleted.length) this.log.info({ count: deleted.length }, 'unreferenced uploads deleted');
    return deleted;
  }
}

function view(row: { id: string; purpose: Purpose; width: number; height: number }): FileView {
  const variants = Object.fromEntries(VARIANTS.map((v) => [v, fileUrl(row.id, v)])) as Record<
    Variant,
    string
  >;
  return { id: row.id, purpose: row.purpose, width: row.width, height: row.height, variants };
}
