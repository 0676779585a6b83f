import { createLogger, createYeyak, type Yeyak } from '../src/app.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { type AnyModule, modules } from '../src/modules.ts';
import { TEST_OUTBOUND_ALLOW } from './helpers.ts';

/**
 * One module (and the modules it needs) on an in-memory PGlite with the job queue and the
 * in-process broker, without HTTP: use cases, jobs and consumers run for real, in seconds.
 * `harness(['tickets'])`, `harness(['tickets', 'registration'])`.
 */
export async function harness(
  names: AnyModule['name'][],
  overrides: Partial<Config> = {},
): Promise<{ y: Yeyak; stop: () => Promise<void> }> {
  const config: Config = {
    ...loadConfig({ YEYAK_DEMO: '0', LOG_LEVEL: 'warn', YEYAK_OUTBOUND_ALLOW: TEST_OUTBOUND_ALLOW }),
    dataDir: 'memory://',
    retryBaseMs: 200,
    ...overrides,
  };
  const y = await createYeyak(config, {
    http: false,
    logger: createLogger(config.logLevel),
    pollingIntervalSeconds: 0.5,
    modules: modules.filter((m) => names.includes(m.name)),
  });
  await y.start();
  return { y, stop: () => y.stop() };
}
