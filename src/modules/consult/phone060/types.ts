import { z } from 'zod';
import { UpstreamError, type UpstreamReason } from '../../../platform/net/http.ts';

/** A counselor's line state at the 060 vendor. */
export const COUNSELOR_STATUSES = ['online', 'offline', 'busy'] as const;
export type CounselorStatus = (typeof COUNSELOR_STATUSES)[number];

/** One counselor as the vendor lists them. */
export type Phone060Counselor = {
  /** The 3-digit code the caller enters after dialling. */
  code: string;
  /** The name (usually a nickname) callers hear and see. */
  name: string;
  /** The vendor's grade label (e.g. `gold`); the price follows from it at the vendor. */
  grade: string;
  /** Points charged per 30 seconds of talk (the legal charging unit). */
  ratePer30s: number;
  /** The address the operator registered them with, when they gave one (yeyak links the account by it). */
  email?: string;
  status: CounselorStatus;
};

/** A consultation ticket: the caller dials `dialNumber` and enters `code` before `expiresAt`. */
export type Phone060Ticket = { ticketId: string; dialNumber: string; code: string; expiresAt: Date };

/** A prepaid line after a charge or a return. */
export type Phone060LineChange = {
  phone: string;
  /** Seconds this call added (charge) or took back (return); a replayed ref answers the first call's. */
  seconds: number;
  /** The line's prepaid seconds now. */
  balanceSeconds: number;
};

/** Counselor codes are three digits. */
export const counselorCode = z.string().regex(/^\d{3}$/, 'a 3-digit counselor code');

/** A Korean phone number as the vendor writes caller IDs: digits only, 9–11 of them, leading 0. */
export const phoneNumber = z.string().regex(/^0\d{8,10}$/, 'digits only, e.g. 01012345678');

/** `01012345678` from `010-1234-5678` or `010 1234 5678`; undefined when it is no phone number. */
export function normalizePhone(input: string): string | undefined {
  const digits = input.replace(/[\s-]/g, '');
  return phoneNumber.safeParse(digits).success ? digits : undefined;
}

/** Whole 30-second units, rounded up (a started unit is charged whole). */
export const roundUpTo30 = (seconds: number) => Math.ceil(Math.max(0, seconds) / 30) * 30;

/** What the caller's points buy, shown as time: floor(points / rate) × 30 s. */
export function remainingSeconds(points: number, ratePer30s: number): number {
  if (!(ratePer30s > 0) || !(points > 0)) return 0;
  return Math.floor(points / ratePer30s) * 30;
}

// ---------------------------------------------------------------------------------------------
// Call events (the signed webhooks)

const isoTime = z.iso.datetime({ offset: true });

const callBase = {
  /** The vendor's call id; the same call's started and ended events share it. */
  callId: z.string().min(1).max(100),
  /** The caller ID (the caller's phone number, digits only). */
  caller: phoneNumber,
  code: counselorCode,
  /** The ticket the call was placed with, or null for a call on prepaid time alone. */
  ticketId: z.string().min(1).max(100).nullable(),
  startedAt: isoTime,
};

export const phone060CallStarted = z.object({ type: z.literal('call.started'), ...callBase }).strict();

export const phone060CallEnded = z
  .object({
    type: z.literal('call.ended'),
    ...callBase,
    endedAt: isoTime,
    /** Seconds talked after the announcement tone. */
    talkSeconds: z.number().int().min(0).max(86_400),
    /**
     * Seconds charged: the talk rounded up to whole 30 s units, never above the prepaid time the
     * line had. The billing source of truth.
     */
    billedSeconds: z.number().int().min(0).max(86_400),
  })
  .strict()
  .refine((e) => Date.parse(e.endedAt) >= Date.parse(e.startedAt), {
    path: ['endedAt'],
    message: 'must not be before startedAt',
  });

export const phone060CallEvent = z.union([phone060CallStarted, phone060CallEnded]);
export type Phone060CallStarted = z.infer<typeof phone060CallStarted>;
export type Phone060CallEnded = z.infer<typeof phone060CallEnded>;
export type Phone060CallEvent = Phone060CallStarted | Phone060CallEnded;

// ---------------------------------------------------------------------------------------------
// Errors

/**
 * Why the vendor (or the way to it) failed:
 * - `auth`: our API key was refused;
 * - `not_found`: no such counselor, line or reservation there;
 * - `insufficient_time`: the line has no prepaid time for this;
 * - `counselor_unavailable`: the counselor is offline (or busy) and cannot take it;
 * - `conflict`: a ref was used before with other values;
 * - `invalid`: the vendor refused the request's values (a phone number, a time in the past);
 * - `unavailable`: the vendor could not be reached, timed out or answered 5xx;
 * - `bad_response`: a 2xx whose body is not the documented shape.
 */
export type Phone060ErrorKind =
  | 'auth'
  | 'not_found'
  | 'insufficient_time'
  | 'counselor_unavailable'
  | 'conflict'
  | 'invalid'
  | 'unavailable'
  | 'bad_response';

const REASON: Record<Phone060ErrorKind, UpstreamReason> = {
  auth: 'unauthorized',
  not_found: 'not_found',
  insufficient_time: 'conflict',
  counselor_unavailable: 'conflict',
  conflict: 'conflict',
  invalid: 'invalid',
  unavailable: 'unavailable',
  bad_response: 'bad_response',
};

/** A failure of the 060 vendor; `kind` says which, `vendorCode` is the vendor's own error code. */
export class Phone060Error extends UpstreamError {
  override readonly name = 'Phone060Error';

  constructor(
    readonly kind: Phone060ErrorKind,
    message: string,
    readonly vendorCode?: string,
    details: UpstreamError['details'] = {},
  ) {
    super('phone060', REASON[kind], message, details);
  }
}

export const isPhone060Error = (e: unknown, kind?: Phone060ErrorKind): e is Phone060Error =>
  e instanceof Phone060Error && (kind === undefined || e.kind === kind);
