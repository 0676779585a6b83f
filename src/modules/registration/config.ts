import { z } from 'zod';
import { url } from '../../platform/config.ts';
import { configSlice } from '../../platform/module.ts';

/** Registration's settings: its sealing key and the Discord application of the bot. */
export type RegistrationConfig = {
  /** Key for sealing connection secrets and pseudonyms (derived from the server secret when unset). */
  registrationSecret?: string;
  /** The Discord application (interactions endpoint and command registration). */
  discord?: { publicKey?: string; applicationId?: string; botToken?: string; apiUrl?: string };
  /** Gap between KKTIX requests (default 100 ms); tests shorten it. */
  registrationKktixIntervalMs?: number;
};

declare module '../../platform/config.ts' {
  interface ModuleConfigs extends RegistrationConfig {}
}

export const registrationConfig = configSlice(
  z.object({
    REGISTRATION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    DISCORD_PUBLIC_KEY: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
      .optional(),
    DISCORD_APPLICATION_ID: z
      .string()
      .regex(/^\d{1,25}$/, 'must be a numeric id')
      .optional(),
    DISCORD_BOT_TOKEN: z.string().min(10).optional(),
    DISCORD_API_URL: url(['http:', 'https:']).optional(),
  }),
  (e): RegistrationConfig => ({
    registrationSecret: e.REGISTRATION_SECRET,
    discord: {
      publicKey: e.DISCORD_PUBLIC_KEY,
      applicationId: e.DISCORD_APPLICATION_ID,
      botToken: e.DISCORD_BOT_TOKEN,
      apiUrl: e.DISCORD_API_URL,
    },
  }),
);
