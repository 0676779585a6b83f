import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import type { Tickets } from '../tickets/index.ts';
import * as actions from './actions/runner.ts';
import { eventById, owned, type RegistrationDeps, secretsOf } from './deps.ts';
import { reservationChange } from './events.ts';
import * as exports from './exports.ts';
import * as reports from './reports.ts';
import { registrationKeys } from './seal.ts';
import * as settings from './settings.ts';
import { followReservation } from './sources/tickets.ts';
import * as sync from './sync.ts';
import { type EventRow, eventView } from './views.ts';

/**
 * The registration module's one object for routes, the Discord bot, the CLI and tests. Each method
 * hands over to its use case (settings, sync, sources/tickets, actions/runner, reports, exports).
 */
export class Registration {
  readonly keys: ReturnType<typeof registrationKeys>;
  readonly deps: RegistrationDeps;

  constructor(ctx: Context, tickets: Tickets) {
    this.keys = registrationKeys(ctx.config.registrationSecret ?? ctx.secret);
    this.deps = { ctx, tickets, keys: this.keys };
  }

  // ------------------------------------------------------------------ events and settings

  secretsOf(ev: EventRow) {
    return secretsOf(this.deps, ev);
  }
  eventById(id: string) {
    return eventById(this.deps, id);
  }
  eventsForGuild(guildId: string | undefined) {
    return settings.eventsForGuild(this.deps, guildId);
  }
  eventBySlugInGuild(slug: string, guildId: string | undefined) {
    return settings.eventBySlugInGuild(this.deps, slug, guildId);
  }
  eventByWebhook(secret: string) {
    return settings.eventByWebhook(this.deps, secret);
  }
  owned(actor: User, id: string) {
    return owned(this.deps, actor, id);
  }
  list(actor?: User) {
    return settings.list(this.deps, actor);
  }
  view(ev: EventRow) {
    return eventView(ev, this.secretsOf(ev));
  }
  create(actor: User, input: settings.RegistrationEventInput) {
    return settings.create(this.deps, actor, input);
  }
  update(actor: User, id: string, input: settings.RegistrationEventInput) {
    return settings.update(this.deps, actor, id, input);
  }
  testConnection(actor: User, id: string) {
    return settings.testConnection(this.deps, actor, id);
  }

  // ------------------------------------------------------------------ sync

  requestSync(eventId: string, trigger: sync.SyncTrigger) {
    return sync.requestSync(this.deps, eventId, trigger);
  }
  tick() {
    return sync.tick(this.deps);
  }
  syncJob(data: sync.SyncJobData) {
    return sync.syncJob(this.deps, data);
  }
  sync(eventId: string, trigger: sync.SyncTrigger) {
    return sync.sync(this.deps, eventId, trigger);
  }

  // ------------------------------------------------------------------ yeyak's own tickets

  /** A tickets `reservation_confirmed` / `reservation_cancelled` event, as its consumer hands it over. */
  onReservation(topic: string, payload: Record<string, unknown>) {
    return followReservation(this.deps, reservationChange({ topic, payload }));
  }

  // ------------------------------------------------------------------ actions

  runAction(data: actions.ActionJobData) {
    return actions.runAction(this.deps, data);
  }
  retry(actor: User, eventId: string, externalId: string) {
    return actions.retry(this.deps, actor, eventId, externalId);
  }

  // ------------------------------------------------------------------ reading

  detail(ev: EventRow) {
    return reports.eventDetail(this.deps, ev);
  }
  audit(actor: User, eventId: string, action: string, rows: number, detail?: string) {
    return reports.audit(this.deps, actor, eventId, action, rows, detail);
  }
  attendees(actor: User, eventId: string, opts: { limit?: number; offset?: number } = {}) {
    return reports.attendees(this.deps, actor, eventId, opts);
  }
  syncRuns(eventId: string, limit = 20) {
    return reports.syncRuns(this.deps, eventId, limit);
  }
  actionCounts(eventId: string) {
    return reports.actionCounts(this.deps, eventId);
  }
  auditLog(eventId: string, limit = 100) {
    return reports.auditLog(this.deps, eventId, limit);
  }
  sales(ev: EventRow, range?: { from: string; to: string }) {
    return reports.sales(this.deps, ev, range);
  }
  reportCsv(ev: EventRow, from: string, to: string) {
    return reports.reportCsv(this.deps, ev, from, to);
  }
  status(ev: EventRow) {
    return reports.status(this.deps, ev);
  }
  saleState(ev: EventRow, now = new Date()) {
    return reports.saleState(this.deps, ev, now);
  }
  exportRows(actor: User, ev: EventRow, kind: 'deidentified' | 'raw', format: string) {
    return exports.exportRows(this.deps, actor, ev, kind, format);
  }
  exportColumns(ev: EventRow) {
    return exports.exportColumns(this.deps, ev);
  }
  exportToBigQuery(actor: User, ev: EventRow) {
    return exports.exportToBigQuery(this.deps, actor, ev);
  }
}
