import type { RailSim } from '../../../sims/rail/server.ts';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { Sealer } from '../../platform/crypto.ts';
import type { ChannelSettingsInput } from '../../platform/notify/index.ts';
import * as accounts from './accounts.ts';
import * as booking from './booking.ts';
import * as channels from './channels.ts';
import { Egress, type ProviderEndpoints, type RailDeps } from './egress.ts';
import { hold } from './hold.ts';
import { followPayments } from './payments.ts';
import { poll, schedule, sweep } from './poll.ts';
import type { Passengers, ProviderName, RailProvider, Train, TrainGroup } from './providers/index.ts';
import { operatorError } from './refusals.ts';
import { knownTrain, recall } from './seen.ts';
import { followStandby } from './standby.ts';
import type { TelegramBot } from './telegram/bot.ts';
import type { TelegramUpdates } from './telegram/updates.ts';
import { checkDate, checkPassengers, checkTrainTypes, station } from './validation.ts';
import { reservationRow, type WatchInput, type WatchPatch, type WatchRow, watchRow } from './views.ts';
import * as watches from './watches.ts';

export type { ProviderEndpoints } from './egress.ts';
export type {
  AccountView,
  RailReservationView,
  TrainView,
  WatchInput,
  WatchPatch,
  WatchRow,
  WatchView,
} from './views.ts';

/**
 * The rail module's logic: operator accounts (sealed credentials), search, direct reservations, and
 * watches with their shared polls. HTTP routes, the Kakao skill, the CLI and pg-boss jobs call into
 * it; each method hands over to the use case's own file.
 */
export class Rail {
  readonly sealer: Sealer;
  /** The adapters, their pacing and the block pauses. */
  readonly egress: Egress;
  /** The in-process stand-in operator in sandbox mode (demo and tests may drive it). */
  sandboxSim: RailSim | undefined;
  /** How long the Kakao skill works before answering with useCallback (Kakao allows 5 s). */
  kakaoBudgetMs = 3500;
  /**
   * Without a callback URL Kakao shows nothing once its 5 s pass: the skill answers by then with what
   * it has and sends the rest through the Event API. Below the callback budget, so the answer time
   * stays under 3.5 s with the network and Kakao's own overhead.
   */
  kakaoQuickMs = 3000;
  /** How old a kept search may be for `조회` to answer from it (the answer says how old). */
  freshSearchMs = 90_000;
  /** The Telegram chat and how its updates arrive (set by the module; tests read the poll's offset). */
  telegram: TelegramBot | undefined;
  telegramUpdates: TelegramUpdates | undefined;
  /** The clock of the party-size back-off (a test moves it forward). */
  now: () => number = () => Date.now();
  private readonly d: RailDeps;

  constructor(private readonly ctx: Context) {
    this.sealer = new Sealer(ctx.config.rail.secret ?? ctx.secret, 'rail credentials v1');
    this.egress = new Egress(ctx);
    this.d = { ctx, egress: this.egress, sealer: this.sealer, now: () => this.now() };
  }

  get config() {
    return this.ctx.config.rail;
  }

  /** Request slots in the database: the per-egress and per-account limits hold across processes. */
  get pacing() {
    return this.egress.pacing;
  }

  get sandbox() {
    return this.egress.sandbox;
  }

  /** Set on shutdown: polls end early and no request leaves. */
  get stopping() {
    return this.egress.stopping;
  }

  setEndpoints(e: Partial<Record<ProviderName, ProviderEndpoints>>, sandbox: boolean) {
    this.egress.setEndpoints(e, sandbox);
  }

  providers() {
    return this.egress.providers();
  }

  /** Shutdown: no new request leaves, and requests waiting for a slot give up at once. */
  halt() {
    this.egress.halt();
  }

  egressKey(name: ProviderName) {
    return this.egress.key(name);
  }

  /** `account` is `userId:provider`: the key of that account's request spacing. */
  newProvider(name: ProviderName, account?: string): RailProvider {
    return this.egress.newProvider(name, account);
  }

  assertNotPaused(provider: ProviderName) {
    return this.egress.assertNotPaused(provider);
  }

  // validation

  station(provider: ProviderName, name: string, path: string) {
    return station(this.d, provider, name, path);
  }

  checkDate(provider: ProviderName, date: string, path?: string) {
    checkDate(provider, date, path);
  }

  checkPassengers(p: Passengers, path?: string, provider?: ProviderName) {
    checkPassengers(p, path, provider);
  }

  checkTrainTypes(provider: ProviderName, types: TrainGroup[] | null | undefined, path?: string) {
    checkTrainTypes(provider, types, path);
  }

  operatorError(err: unknown): Error {
    return operatorError(this.config, err);
  }

  // accounts

  accounts(user: User) {
    return accounts.accounts(this.d, user);
  }

  saveAccount(user: User, provider: ProviderName, id: string, password: string) {
    return accounts.saveAccount(this.d, user, provider, id, password);
  }

  deleteAccount(user: User, provider: ProviderName) {
    return accounts.deleteAccount(this.d, user, provider);
  }

  accountProvider(accountId: string) {
    return accounts.accountProvider(this.d, accountId);
  }

  // search and reserve

  search(q: Parameters<typeof booking.search>[1]) {
    return booking.search(this.d, q);
  }

  reserve(user: User, input: Parameters<typeof booking.reserve>[2]) {
    return booking.reserve(this.d, user, input);
  }

  reservations(user: User) {
    return booking.reservations(this.d, user);
  }

  cancelReservation(user: User, id: string) {
    return booking.cancelReservation(this.d, user, id);
  }

  /** What the last search of this route and date saw (seen.ts). */
  seen(provider: ProviderName, from: string, to: string, date: string) {
    return recall(this.d, provider, from, to, date);
  }

  /** A train number against the kept timetable: the train, 'absent', or undefined (cannot tell). */
  knownTrain(q: { provider: ProviderName; from: string; to: string; date: string; trainNo: string }) {
    return knownTrain(this.d, q);
  }

  // notification settings

  notifySettings(user: User) {
    return this.d.ctx.notify.settings.get(user.id);
  }

  saveNotifySettings(user: User, input: ChannelSettingsInput) {
    return this.d.ctx.notify.settings.save(user.id, input);
  }

  defaultChannels(userId: string) {
    return channels.defaultChannels(this.d, userId);
  }

  checkNotify(userId: string, notify: string[], path?: string) {
    return channels.checkNotify(this.d, userId, notify, path);
  }

  // watches

  createWatch(user: User, input: WatchInput) {
    return watches.createWatch(this.d, user, input);
  }

  watches(user: User) {
    return watches.watches(this.d, user);
  }

  watch(user: User, id: string) {
    return watches.watch(this.d, user, id);
  }

  editWatch(user: User, id: string, patch: WatchPatch) {
    return watches.editWatch(this.d, user, id, patch);
  }

  stopWatch(user: User, id: string) {
    return watches.stopWatch(this.d, user, id);
  }

  deleteWatch(user: User, id: string) {
    return watches.deleteWatch(this.d, user, id);
  }

  watchRow(id: string) {
    return watchRow(this.ctx.database.db, id);
  }

  reservationRow(id: string) {
    return reservationRow(this.ctx.database.db, id);
  }

  // the engine

  schedule(key: string, errors: number, immediate = false, delayMs?: number) {
    return schedule(this.d, key, errors, immediate, delayMs);
  }

  sweep() {
    return sweep(this.d);
  }

  poll(key: string, errors = 0, reschedule = true, deferred = false) {
    return poll(this.d, key, errors, reschedule, deferred);
  }

  hold(w: WatchRow, train: Train, standby: boolean) {
    return hold(this.d, w, train, standby);
  }

  followStandby() {
    return followStandby(this.d);
  }

  followPayments(now?: number) {
    return followPayments(this.d, now);
  }
}
