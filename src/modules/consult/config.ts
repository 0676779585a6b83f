import { configSlice } from '../../platform/module.ts';
import { type Phone060Config, phone060Env, readPhone060Config } from './phone060/config.ts';

/** The marketplace's environment: the 060 vendor (PHONE060_URL, PHONE060_KEY, PHONE060_WEBHOOK_SECRET). */
export type ConsultConfig = { consult: { phone060: Phone060Config } };

declare module '../../platform/config.ts' {
  interface ModuleConfigs extends ConsultConfig {}
}

export const consultConfig = configSlice(
  phone060Env,
  (e): ConsultConfig => ({
    consult: { phone060: readPhone060Config(e) },
  }),
);
