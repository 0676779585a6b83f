import { conflict } from '../../platform/errors.ts';
import { fileUrl } from '../../platform/uploads/index.ts';
import type { consultCounselors, consultRequests, RequestState, Service } from './schema.ts';

// A payment request as its user, its counselor or an admin sees it, and the refusal a closed one gives.

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export type RequestView = {
  id: string;
  roomId: string;
  counselor: { id: string; name: string; image: string | null };
  userId: string;
  itemId: string;
  kind: Service;
  title: string;
  price: number;
  note: string;
  appointmentAt: string | null;
  state: RequestState;
  expiresAt: string;
  createdAt: string;
  paidAt: string | null;
  closedAt: string | null;
  /** The asker's part in it. */
  me: 'user' | 'counselor' | 'admin';
};

/** A closed request's answer to a move it cannot make: 409 with `data.code` `consult.request_<state>`. */
export const stateRefusal = (state: RequestState, expired: boolean) => {
  const s = state === 'pending' && expired ? 'expired' : state;
  const words: Record<string, string> = {
    paid: 'this request is paid already',
    declined: 'this request was declined',
    withdrawn: 'this request was withdrawn',
    expired: 'this request has expired',
    completed: 'this request is completed',
    refunded: 'this request was refunded',
    pending: 'this request is not paid yet',
  };
  return conflict(words[s] ?? `this request is ${s}`, { code: `consult.request_${s}` });
};

export function view(
  r: typeof consultRequests.$inferSelect,
  c: typeof consultCounselors.$inferSelect,
  me: RequestView['me'],
): RequestView {
  return {
    id: r.id,
    roomId: r.roomId,
    counselor: { id: c.id, name: c.name, image: c.imageFileId ? fileUrl(c.imageFileId, '128') : null },
    userId: r.userId,
    itemId: r.itemId,
    kind: r.kind,
    title: r.title,
    price: r.price,
    note: r.note,
    appointmentAt: iso(r.appointmentAt),
    state: r.state,
    expiresAt: r.expiresAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
    paidAt: iso(r.paidAt),
    closedAt: iso(r.closedAt),
    me,
  };
}
