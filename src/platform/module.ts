import type { Command } from 'commander';
import type PgBoss from 'pg-boss';
import type { z } from 'zod';
import type { Auth } from './auth/service.ts';
import type { Config, PlatformConfig } from './config.ts';
import type { ConstraintAnswer } from './constraints.ts';
import type { Context } from './context.ts';
import type { DemoPeople } from './demo.ts';
import type { Consumer } from './events/types.ts';
import type { App } from './http/app.ts';
import type { JobHandler } from './jobs.ts';
import type { SettingSpec } from './settings/spec.ts';
import type { FileColumn, FileFinder } from './uploads/index.ts';

/**
 * The public API of every module, by module name. Each module adds its own entry where it is
 * declared (`declare module '../../platform/module.ts' { interface ModuleApis { tickets: Tickets } }`),
 * so the platform stays ignorant of modules while `yeyak.tickets` and a dependency such as
 * `create(ctx, { tickets })` stay typed.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each module
export interface ModuleApis {}

/** A job a module runs (pg-boss queue `name`; `cron` for periodic ones). */
export type JobSpec<T = never> = {
  name: string;
  handler: JobHandler<T>;
  options?: Omit<PgBoss.Queue, 'name'> & { cron?: string };
};

/** A check constraint a module's tables enforce, answered as a client error instead of a 500. */
export type { ConstraintAnswer } from './constraints.ts';

/**
 * A module's environment variables (a zod object) and how they become its part of Config
 * (`read` gets the parsed variables; its own type is kept by configSlice()).
 */
export type ConfigSlice = {
  env: z.ZodObject<z.ZodRawShape>;
  read: (env: never, platform: PlatformConfig) => object;
};

export function configSlice<Shape extends z.ZodRawShape, Slice extends object>(
  env: z.ZodObject<Shape>,
  read: (env: z.infer<z.ZodObject<Shape>>, platform: PlatformConfig) => Slice,
) {
  return { env, read };
}

/** What the `yeyak` command hands a module's CLI commands. */
export type CliTools = { config: () => Config; fail: (err: unknown) => never };

/** A running module, made by `create` once the platform (database, jobs, broker, mail) exists. */
export type ModuleInstance<Api> = {
  /** What other modules and tests may call (becomes `yeyak.<name>`). */
  api: Api;
  jobs?: JobSpec<never>[];
  consumers?: Consumer[];
  routes?: (app: App, auth: Auth) => void;
  /** Demo data, made once in demo mode when the demo accounts are created. */
  demo?: (people: DemoPeople) => Promise<void>;
  /** Uploaded files this module refers to in ways `fileColumns` cannot say; the daily sweep keeps them. */
  referencedFiles?: FileFinder;
  /** After the job queue started, before workers take jobs. */
  start?: () => Promise<void>;
  /** Ends long-running work early; called before the job workers stop. */
  halt?: () => void;
  /** After the job workers stopped, before the database closes. */
  stop?: () => Promise<void>;
};

/** One module of yeyak: everything the composition root needs to know about it. */
export type ModuleDefinition<Name extends keyof ModuleApis = keyof ModuleApis> = {
  /** The module's name; also the prefix of the event topics it publishes. */
  name: Name;
  /** Its migration folder under drizzle/ (own journal table), if it has tables. */
  migrations?: { folder: string; adoptIfTable?: string };
  config?: ConfigSlice;
  constraints?: Record<string, ConstraintAnswer>;
  /** Its columns holding uploaded file ids: files no declared column refers to are deleted after a day. */
  fileColumns?: FileColumn[];
  /** Its runtime settings (keys `<name>.…`), changed by admins at /admin/settings while yeyak runs. */
  settings?: SettingSpec[];
  /** Topics renamed to carry the module's prefix: current name → old name, kept for one release (events/topics.ts). */
  topicAliases?: Record<string, string>;
  /** Its `yeyak <command>`s; these run without starting the server. */
  cli?: (program: Command, tools: CliTools) => void;
  /** Makes the module; `apis` holds the modules listed before it (dependencies are explicit). */
  create: (ctx: Context, apis: Partial<ModuleApis>) => ModuleInstance<ModuleApis[Name]>;
};

export function defineModule<Name extends keyof ModuleApis>(
  m: ModuleDefinition<Name>,
): ModuleDefinition<Name> {
  return m;
}

/** A dependency a module needs from one listed before it. */
export function requireApi<K extends keyof ModuleApis>(apis: Partial<ModuleApis>, name: K): ModuleApis[K] {
  const api = apis[name];
  if (!api) throw new Error(`module "${String(name)}" must be listed before the modules that use it`);
  return api;
}
