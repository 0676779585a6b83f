import { eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { Sealer } from '../crypto.ts';
import type { Database } from '../db.ts';
import { badRequest, type FieldError } from '../errors.ts';
import { zodFieldError } from '../messages/validation.ts';
import { users } from '../schema.ts';
import { runtimeSettings } from './schema.ts';
import type { SettingSpec } from './spec.ts';

export { defineSetting, type SettingSpec } from './spec.ts';

/** A setting as the admin page shows it; a secret's value and default are never included. */
export type SettingView = {
  key: string;
  label: { en: string; ko: string };
  access: SettingSpec['access'];
  /** The JSON Schema of the value (type, bounds), so the page picks the right input. */
  schema: unknown;
  value?: unknown;
  default?: unknown;
  /** Secrets: whether a value is stored. */
  isSet?: boolean;
  changed: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
};

export type SettingsChange = {
  /** New values by key; each must pass its setting's schema. */
  values?: Record<string, unknown>;
  /** Keys to put back to their defaults. */
  reset?: string[];
};

type Stored = { value: unknown; updatedAt: Date; updatedBy: string | null };

/**
 * The runtime settings: modules declare typed keys (SettingSpec); admins change them through the
 * API; every process reads them from memory and reloads the (small) table every `refreshMs`, so a
 * change made in one process is seen by the others within that time plus one query.
 */
export class RuntimeSettings {
  private readonly specs = new Map<string, SettingSpec>();
  private stored = new Map<string, Stored>();
  private readonly sealer: Sealer;
  private timer: NodeJS.Timeout | undefined;
  /** Told after a change was saved (the server log records who changed which keys). */
  onChange: (actorId: string | null, keys: string[]) => Promise<void> = async () => {};

  constructor(
    private readonly database: Database,
    private readonly config: Config,
    secret: string,
    private readonly log: Logger,
    private readonly refreshMs = 2_000,
  ) {
    this.sealer = new Sealer(secret, 'runtime-settings');
  }

  /** Adds declared settings; a key declared twice is a programming error. */
  declare(specs: SettingSpec[]) {
    for (const s of specs) {
      if (this.specs.has(s.key)) throw new Error(`setting "${s.key}" is declared twice`);
      this.specs.set(s.key, s as SettingSpec);
    }
  }

  /** The current value: the stored one if it still passes the schema, else the default. */
  get<T>(spec: SettingSpec<T>): T {
    const row = this.stored.get(spec.key);
    if (row) {
      const parsed = spec.schema.safeParse(this.unseal(spec, row.value));
      if (parsed.success) return parsed.data;
    }
    return this.defaultOf(spec);
  }

  async load() {
    const rows = await this.database.db.select().from(runtimeSettings);
    this.stored = new Map(
      rows.map((r) => [r.key, { value: r.value, updatedAt: r.updatedAt, updatedBy: r.updatedBy }]),
    );
  }

  start() {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.load().catch((err) =>
        this.log.warn({ err }, 'runtime settings: reload failed; keeping the last values'),
      );
    }, this.refreshMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Every declared setting for admins; only the public ones for everyone else. */
  async list(forAdmin: boolean): Promise<SettingView[]> {
    const specs = [...this.specs.values()].filter((s) => forAdmin || s.access === 'public');
    const editors = [
      ...new Set([...this.stored.values()].map((r) => r.updatedBy).filter((id) => id !== null)),
    ];
    const emails = new Map(
      editors.length
        ? (
            await this.database.db
              .select({ id: users.id, email: users.email })
              .from(users)
              .where(inArray(users.id, editors))
          ).map((u) => [u.id, u.email])
        : [],
    );
    return specs.map((s) => {
      const row = this.stored.get(s.key);
      const secret = s.access === 'secret';
      return {
        key: s.key,
        label: s.label,
        access: s.access,
        schema: z.toJSONSchema(s.schema, { unrepresentable: 'any' }),
        ...(secret ? { isSet: !!row } : { value: this.get(s), default: this.defaultOf(s) }),
        changed: !!row,
        updatedAt: row?.updatedAt.toISOString() ?? null,
        updatedBy: row?.updatedBy ? (emails.get(row.updatedBy) ?? null) : null,
      };
    });
  }

  /**
   * Applies a change all at once or not at all: every value is checked first, and a bad one is a
   * 400 naming `values.<key>`. Returns the keys whose value changed.
   */
  async update(actorId: string | null, change: SettingsChange): Promise<string[]> {
    const errors: FieldError[] = [];
    const writes: { key: string; value: unknown }[] = [];
    for (const [key, raw] of Object.entries(change.values ?? {})) {
      const spec = this.specs.get(key);
      if (!spec) {
        errors.push({ path: `values.${key}`, message: 'no such setting' });
        continue;
      }
      const parsed = spec.schema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          errors.push(zodFieldError(['values', key, ...issue.path.map(String)].join('.'), issue));
        }
        continue;
      }
      writes.push({ key, value: spec.access === 'secret' ? this.seal(key, parsed.data) : parsed.data });
    }
    const resets = change.reset ?? [];
    resets.forEach((key, i) => {
      if (!this.specs.has(key)) errors.push({ path: `reset.${i}`, message: `no such setting: ${key}` });
    });
    const first = errors[0];
    if (first) throw badRequest(`invalid ${first.path}: ${first.message}`, errors);

    const before = new Map([...this.specs.values()].map((s) => [s.key, JSON.stringify(this.get(s))]));
    await this.database.db.transaction(async (tx) => {
      for (const w of writes) {
        await tx
          .insert(runtimeSettings)
          .values({ key: w.key, value: w.value, updatedBy: actorId })
          .onConflictDoUpdate({
            target: runtimeSettings.key,
            set: { value: w.value, updatedBy: actorId, updatedAt: sql`now()` },
          });
      }
      if (resets.length) await tx.delete(runtimeSettings).where(inArray(runtimeSettings.key, resets));
    });
    await this.load();
    const changed = [...this.specs.values()]
      .filter((s) =>
        s.access === 'secret'
          ? writes.some((w) => w.key === s.key) || resets.includes(s.key)
          : before.get(s.key) !== JSON.stringify(this.get(s)),
      )
      .map((s) => s.key);
    if (changed.length) await this.onChange(actorId, changed);
    return changed;
  }

  /** One stored row, for tests that check what is at rest. */
  async storedValue(key: string): Promise<unknown> {
    const [row] = await this.database.db.select().from(runtimeSettings).where(eq(runtimeSettings.key, key));
    return row?.value;
  }

  private defaultOf<T>(spec: SettingSpec<T>): T {
    return typeof spec.default === 'function'
      ? (spec.default as (config: Config) => T)(this.config)
      : spec.default;
  }

  private seal(key: string, value: unknown) {
    return { sealed: this.sealer.seal(JSON.stringify(value), key) };
  }

  private unseal(spec: SettingSpec, value: unknown): unknown {
    if (spec.access !== 'secret') return value;
    const sealed = (value as { sealed?: unknown } | null)?.sealed;
    if (typeof sealed !== 'string') return undefined;
    try {
      return JSON.parse(this.sealer.open(sealed, spec.key));
    } catch {
      this.log.warn({ key: spec.key }, 'runtime settings: a sealed value does not open; using the default');
      return undefined;
    }
  }
}
