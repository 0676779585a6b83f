import { hkdfSync } from 'node:crypto';
import { Sealer } from '../../platform/crypto.ts';

/**
 * Secrets at rest (KKTIX tokens, Gather API keys, Discord webhook URLs) are sealed with the platform's
 * Sealer under REGISTRATION_SECRET (or the service secret); the event id is bound as associated data,
 * so a sealed value copied to another event does not open. The pseudonym key for de-identified
 * exports comes from the same master secret.
 */
export function registrationKeys(master: string) {
  return {
    sealer: new Sealer(master, 'registration secrets v1'),
    pseudonym: Buffer.from(
      hkdfSync('sha256', Buffer.from(master, 'utf8'), 'yeyak-registration', 'pseudonym-v1', 32),
    ),
  };
}

export function seal(keys: ReturnType<typeof registrationKeys>, value: unknown, aad: string): string {
  return keys.sealer.seal(JSON.stringify(value), aad);
}

export function unseal<T>(keys: ReturnType<typeof registrationKeys>, sealed: string, aad: string): T {
  return JSON.parse(keys.sealer.open(sealed, aad)) as T;
}
