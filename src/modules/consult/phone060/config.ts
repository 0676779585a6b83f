import { z } from 'zod';
import { SIM_PHONE060_KEY, SIM_PHONE060_WEBHOOK_SECRET } from '../../../../sims/phone060/index.ts';
import { standInPath } from '../../../../sims/standins.ts';
import { ConfigError, url } from '../../../platform/config.ts';
import type { Fetch } from '../../../platform/net/http.ts';
import { Phone060 } from './client.ts';

/**
 * The 060 vendor's variables, for the consult module's config slice (`.extend(phone060Env.shape)`
 * or its own z.object). No URL: the stand-in inside yeyak in demo mode, no phone line otherwise.
 */
export const phone060Env = z.object({
  PHONE060_URL: url(['http:', 'https:']).optional(),
  PHONE060_KEY: z.string().min(16, 'must be at least 16 characters').max(500).optional(),
  PHONE060_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').max(500).optional(),
});
export type Phone060Env = z.infer<typeof phone060Env>;

export type Phone060Config = { url?: string; apiKey?: string; webhookSecret?: string };

/** The settings from the parsed variables; with a URL, the key and the webhook secret are required. */
export function readPhone060Config(e: Phone060Env): Phone060Config {
  if (e.PHONE060_URL) {
    const missing = (['PHONE060_KEY', 'PHONE060_WEBHOOK_SECRET'] as const).filter((k) => !e[k]);
    if (missing.length) throw new ConfigError(missing.map((k) => `${k}: required with PHONE060_URL`));
  }
  return { url: e.PHONE060_URL, apiKey: e.PHONE060_KEY, webhookSecret: e.PHONE060_WEBHOOK_SECRET };
}

/** What the module talks to: the adapter and the secret its webhooks are checked with. */
export type Phone060Link = {
  client: Phone060;
  webhookSecret: string;
  /** True when it is the stand-in inside this server (demo mode without PHONE060_URL). */
  standIn: boolean;
};

/**
 * The vendor configuration asks for, made on first use and again when the URL changes: the vendor
 * at PHONE060_URL; in demo mode without one, the stand-in under `${selfUrl()}/sim/phone060` with its
 * own key and secret; otherwise undefined (phone consultations are off).
 */
export function phone060FromConfig(
  cfg: Phone060Config,
  demo: boolean,
  selfUrl: () => string,
  fetch?: Fetch,
): () => Phone060Link | undefined {
  let made: { url: string; link: Phone060Link } | undefined;
  return () => {
    const standIn = !cfg.url && demo;
    if (!cfg.url && !standIn) return undefined;
    const base = cfg.url ?? `${selfUrl()}${standInPath('phone060')}`;
    if (made?.url !== base) {
      made = {
        url: base,
        link: {
          client: new Phone060({
            url: base,
            apiKey: standIn ? SIM_PHONE060_KEY : (cfg.apiKey as string),
            fetch,
          }),
          webhookSecret: standIn ? SIM_PHONE060_WEBHOOK_SECRET : (cfg.webhookSecret as string),
          standIn,
        },
      };
    }
    return made.link;
  };
}
