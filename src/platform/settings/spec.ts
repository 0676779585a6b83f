import type { z } from 'zod';
import type { Config } from '../config.ts';

/**
 * One setting a module declares: its key (`<module>.<name>`), a zod schema the value must pass,
 * its default, and who may read it. `public` settings are served to every visitor (the web reads
 * them); `admin` ones only to admins; `secret` ones are sealed at rest and never returned, only
 * whether they are set.
 */
export type SettingSpec<T = unknown> = {
  key: string;
  schema: z.ZodType<T>;
  /** The value while no admin changed it; a function reads it from the environment's configuration. */
  default: T | ((config: Config) => T);
  access: 'public' | 'admin' | 'secret';
  /** What it does, in the admin's languages (the settings page shows it). */
  label: { en: string; ko: string };
};

export function defineSetting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  if (!/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9.]*$/.test(spec.key)) {
    throw new Error(`setting key "${spec.key}" must look like module.name`);
  }
  return spec;
}
