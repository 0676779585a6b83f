import { modules } from './modules.ts';
import { type Config, readConfig } from './platform/config.ts';

export { type Config, ConfigError } from './platform/config.ts';

/** Reads the platform's and every module's variables from the environment (ConfigError on bad ones). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  return readConfig(
    modules.flatMap((m) => (m.config ? [m.config] : [])),
    env,
    overrides,
  );
}
