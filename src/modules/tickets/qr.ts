import { hmac, safeEqual } from '../../platform/crypto.ts';

/**
 * What a ticket's QR code holds: `YQ1.<reservation id>.<signature>`. The signature is an HMAC
 * (128 bits kept) with the server secret, so a code cannot be made up from a reservation number.
 * Cancelling deletes the reservation, so a cancelled ticket's valid code is still refused.
 */
const PREFIX = 'YQ1';

export function signTicket(secret: string, reservationId: number): string {
  const body = `${PREFIX}.${reservationId}`;
  return `${body}.${hmac(secret, `ticket:${body}`).slice(0, 22)}`;
}

export function verifyTicket(secret: string, code: string): number | undefined {
  const m = /^YQ1\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/.exec(code);
  if (!m) return undefined;
  const expected = signTicket(secret, Number(m[1]));
  return safeEqual(expected, code) ? Number(m[1]) : undefined;
}
