import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import type { Tx } from '../../platform/db.ts';
import * as catalogue from './catalogue.ts';
import * as door from './checkin.ts';
import * as downloads from './exports.ts';
import * as holds from './holds.ts';
import { resolveOriginal } from './original.ts';
import { freeCheckout, type PaymentProvider } from './payments.ts';
import * as organiser from './sales.ts';
import * as selling from './selling.ts';
import * as views from './views.ts';
import * as waitlist from './waitlist.ts';

export type { TicketEventInput } from './catalogue.ts';
export type {
  EventView,
  HoldView,
  MyHoldView,
  ShowtimeView,
  TicketReservationView,
  TicketTypeView,
  WaitlistView,
} from './views.ts';

type ResolveInput = Parameters<typeof resolveOriginal>[1];

/**
 * The tickets module as routes, the CLI and other modules call it: catalogue, holds, reservations,
 * cancellation, check-in, waiting list, sales. Each method hands over to the use case's own file.
 */
export class Tickets {
  readonly deps: views.TicketsDeps;

  constructor(ctx: Context, payments: PaymentProvider = freeCheckout) {
    this.deps = { ctx, payments };
  }

  // ---------------------------------------------------------------- catalogue (catalogue.ts)

  createEvent(organizer: User, input: catalogue.TicketEventInput) {
    return catalogue.createEvent(this.deps, organizer, input);
  }
  updateEvent(actor: User, eventId: string, input: catalogue.TicketEventInput) {
    return catalogue.updateEvent(this.deps, actor, eventId, input);
  }
  hasEvents() {
    return catalogue.hasEvents(this.deps);
  }
  listEvents(opts: { organizerId?: string; includePast?: boolean } = {}) {
    return catalogue.listEvents(this.deps, opts);
  }
  getEvent(idOrCode: string) {
    return catalogue.getEvent(this.deps, idOrCode);
  }
  ownedEvent(actor: User, eventId: string) {
    return catalogue.ownedEvent(this.deps, actor, eventId);
  }

  // ---------------------------------------------------------------- selling (selling.ts, holds.ts)

  reserve(user: User, input: Parameters<typeof selling.reserve>[2]) {
    return selling.reserve(this.deps, user, input);
  }
  hold(user: User, input: { ticketTypeId: string; quantity: number }) {
    return holds.hold(this.deps, user, input);
  }
  myHolds(user: User) {
    return holds.myHolds(this.deps, user);
  }
  getHold(user: User, holdId: string) {
    return holds.getHold(this.deps, user, holdId);
  }
  confirm(user: User, holdId: string) {
    return selling.confirm(this.deps, user, holdId);
  }
  releaseHold(user: User, holdId: string) {
    return holds.releaseHold(this.deps, user, holdId);
  }
  expireHold(holdId: string) {
    return holds.expireHold(this.deps, holdId);
  }
  expireDueHolds(limit?: number) {
    return holds.expireDueHolds(this.deps, limit);
  }
  cancel(user: User, reservationId: number) {
    return selling.cancel(this.deps, user, reservationId);
  }

  // ---------------------------------------------------------------- reservations (views.ts)

  myReservations(user: User) {
    return views.myReservations(this.deps, user);
  }
  reservation(user: User, id: number) {
    return views.reservation(this.deps, user, id);
  }
  reservationById(id: number) {
    return views.reservationById(this.deps, id);
  }

  /** A reservation with its buyer's user id, for the buyer's mails. */
  reservationForMail(id: number) {
    return views.reservationForMail(this.deps, id);
  }

  // ---------------------------------------------------------------- the original API (original.ts)

  resolveOriginal(input: ResolveInput) {
    return resolveOriginal(this.deps, input);
  }

  // ---------------------------------------------------------------- check-in (checkin.ts)

  ticketCode(reservationId: number) {
    return door.ticketCode(this.deps, reservationId);
  }
  checkIn(staff: User, qr: string, eventId?: string) {
    return door.checkIn(this.deps, staff, qr, eventId);
  }

  // ---------------------------------------------------------------- waiting list (waitlist.ts)

  joinWaitlist(user: User, input: { ticketTypeId: string; quantity: number }) {
    return waitlist.joinWaitlist(this.deps, user, input);
  }
  leaveWaitlist(user: User, entryId: string) {
    return waitlist.leaveWaitlist(this.deps, user, entryId);
  }
  myWaitlist(user: User) {
    return waitlist.myWaitlist(this.deps, user);
  }
  waitlistEntry(user: User, entryId: string) {
    return waitlist.waitlistEntry(this.deps, user, entryId);
  }
  offerFreedSeats(tx: Tx, ticketTypeId: string) {
    return holds.offerFreedSeats(this.deps, tx, ticketTypeId);
  }
  waitlistOffer(entryId: string) {
    return waitlist.waitlistOffer(this.deps, entryId);
  }

  // ---------------------------------------------------------------- organiser's view (sales.ts)

  sales(actor: User, eventId: string) {
    return organiser.sales(this.deps, actor, eventId);
  }
  eventReservations(actor: User, eventId: string) {
    return organiser.eventReservations(this.deps, actor, eventId);
  }
  salesCsv(actor: User, eventId: string) {
    return downloads.salesCsv(this.deps, actor, eventId);
  }
  reservationsCsv(actor: User, eventId: string) {
    return downloads.reservationsCsv(this.deps, actor, eventId);
  }
}
