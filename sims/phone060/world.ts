import type { FastifyReply } from 'fastify';

/** What the stand-in holds: counselors, prepaid lines, tickets, reservations, deliveries. */

export const STATUSES = ['online', 'offline', 'busy'] as const;
export type Status = (typeof STATUSES)[number];
export const GRADES = ['master', 'gold', 'silver', 'bronze'] as const;

/** `email`: the address the operator registered them with (yeyak links the account by it). */
export type Counselor = {
  code: string;
  nickname: string;
  grade: string;
  rate: number;
  status: Status;
  email?: string;
};
export type Line = { balance: number; inCall: boolean };
export type Ticket = {
  id: string;
  code: string;
  phone: string;
  ref: string;
  expiresAt: number;
  /** The call that used it (a ticket is good for one call). */
  usedBy?: string;
};
export type Reservation = { id: string; code: string; phone: string; at: string };
export type Attempt = { at: string; status: number; error?: string };
/** One webhook event and every try to deliver it (GET /deliveries). */
export type Delivery = {
  id: string;
  type: 'call.started' | 'call.ended';
  callId: string;
  url: string;
  body: string;
  attempts: Attempt[];
  delivered: boolean;
};

/** The five counselors a new stand-in starts with. */
const SEED: Counselor[] = [
  {
    code: '101',
    nickname: '한별 도사',
    grade: 'master',
    rate: 1500,
    status: 'online',
    email: 'counselor@yeyak.local',
  },
  { code: '102', nickname: '달빛', grade: 'gold', rate: 1300, status: 'online' },
  { code: '103', nickname: '청명', grade: 'silver', rate: 1000, status: 'online' },
  { code: '104', nickname: '소담', grade: 'silver', rate: 900, status: 'offline' },
  { code: '105', nickname: '새벽별', grade: 'bronze', rate: 800, status: 'online' },
];

/** The prepaid line callers dial before entering the counselor's code. */
export const DIAL_NUMBER = '02-6209-0600';
export const TICKET_MINUTES = 30;
/** Attempts per webhook event and the pauses between them. */
export const DELIVERY_BACKOFF_MS = [100, 300, 900];

export class World {
  readonly counselors = new Map<string, Counselor>(SEED.map((c) => [c.code, { ...c }]));
  readonly lines = new Map<string, Line>();
  /** `charge:<ref>` / `return:<ref>` / `ticket:<ref>` → what was asked and the first answer. */
  readonly refs = new Map<string, { ask: string; answer: Record<string, unknown> }>();
  readonly tickets = new Map<string, Ticket>();
  readonly reservations = new Map<string, Reservation>();
  readonly deliveries: Delivery[] = [];
  webhookUrl: string | undefined;
  /** Added to the real clock (POST /admin/clock), so tests can let tickets expire. */
  offsetMs = 0;
  private seq = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  id(prefix: string): string {
    this.seq++;
    const day = new Date(this.now()).toISOString().slice(0, 10).replaceAll('-', '');
    return `${prefix}${day}${String(this.seq).padStart(6, '0')}`;
  }

  line(phone: string): Line {
    let l = this.lines.get(phone);
    if (!l) {
      l = { balance: 0, inCall: false };
      this.lines.set(phone, l);
    }
    return l;
  }

  nextCode(): string | undefined {
    for (let n = 106; n <= 999; n++) if (!this.counselors.has(String(n))) return String(n);
    return undefined;
  }

  /** An unused, unexpired ticket for this caller and counselor (the oldest first). */
  ticketFor(phone: string, code: string): Ticket | undefined {
    const now = this.now();
    return [...this.tickets.values()].find(
      (t) => t.phone === phone && t.code === code && !t.usedBy && t.expiresAt > now,
    );
  }

  state() {
    return {
      now: new Date(this.now()).toISOString(),
      webhookUrl: this.webhookUrl ?? null,
      counselors: [...this.counselors.values()],
      lines: [...this.lines.entries()].map(([phone, l]) => ({
        phone,
        balanceSeconds: l.balance,
        inCall: l.inCall,
      })),
      tickets: [...this.tickets.values()].map((t) => ({
        ...t,
        expiresAt: new Date(t.expiresAt).toISOString(),
      })),
      reservations: [...this.reservations.values()],
    };
  }
}

/** The vendor's failure shape: a non-2xx with `{error: {code, message}}`. */
export const fail = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply.code(status).send({ error: { code, message } });

export const PHONE = /^0\d{8,10}$/;
export const REF = /^[\w.:-]{1,100}$/;
/** `010-1234-5678` → `01012345678`; undefined when it is no phone number. */
export const phoneOf = (v: unknown) => {
  const p = typeof v === 'string' ? v.replace(/[\s-]/g, '') : '';
  return PHONE.test(p) ? p : undefined;
};
/** A whole number in [min, max] from a JSON number or a form's string; undefined otherwise. */
export function intOf(v: unknown, min: number, max: number): number | undefined {
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,9}$/.test(v.trim()) ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

export const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
