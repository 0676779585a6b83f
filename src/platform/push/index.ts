/**
 * Push to the user's devices (`ctx.push`): the Flutter app through FCM HTTP v1, browsers through
 * Web Push. Modules send an ordinary notice with the `push` channel of ctx.notify.deliver (once per
 * event, like the other channels) and campaigns with `ctx.push.marketing()`. Sending happens in
 * `push.send` jobs of up to BATCH devices, one request per device, at most PUSH_CONCURRENCY in
 * flight in this process; a device the service calls gone is deleted, one it asks to wait for is
 * tried again in a later job (after its Retry-After).
 */
import { createECDH } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { sha256 } from '../crypto.ts';
import { once } from '../events/outbox.ts';
import type { JobSpec } from '../module.ts';
import { joinUrl } from '../net/http.ts';
import { eventUuid } from '../notify/index.ts';
import type { PushConfig } from './config.ts';
import { ConsentStore } from './consents.ts';
import { Devices } from './devices.ts';
import { pushConsents, pushDevices } from './schema.ts';
import {
  FcmSender,
  type PushPayload,
  presetToken,
  type SendOutcome,
  serviceAccountTokens,
  type TokenSource,
  type VapidKeys,
  WebPushSender,
} from './senders.ts';

export type { PushPayload } from './senders.ts';

/** The bearer token the push stand-in accepts (it is no secret: the stand-in sends nothing anywhere). */
export const SIM_FCM_TOKEN = 'yeyak-push-sim-token';
export const SIM_PROJECT = 'yeyak-demo';
/** Devices per job: small enough that a retry round stays short, large enough for few job rows. */
export const BATCH = 500;
/** Rounds of "try again later" before a device's message is given up. */
const MAX_ROUNDS = 6;
/** The longest Retry-After we schedule for (a longer one is capped to it). */
const MAX_WAIT_S = 3600;
/** The title prefix Korean law asks of an advertising message (정보통신망법 제50조). */
export const AD_PREFIX = '(광고)';

const KST_MS = 9 * 3600_000;
/** 21:00 to 08:00 Korea time, when advertising needs the night consent. */
export function quietHours(now = new Date()): boolean {
  const h = new Date(now.getTime() + KST_MS).getUTCHours();
  return h >= 21 || h < 8;
}
/** The next 08:00 Korea time after `now` (Korea keeps no daylight saving time). */
export function next8Kst(now = new Date()): Date {
  const k = new Date(now.getTime() + KST_MS);
  const day = Date.UTC(
    k.getUTCFullYear(),
    k.getUTCMonth(),
    k.getUTCDate() + (k.getUTCHours() >= 8 ? 1 : 0),
    8,
  );
  return new Date(day - KST_MS);
}

/** `userId`: a notice for one user goes only to devices still theirs when the job runs. */
export type SendJob = { devices: string[]; payload: PushPayload; round: number; userId?: string };
export type CampaignResult = { now: number; morning: number; devices: number };

type Deps = Pick<Context, 'config' | 'database' | 'jobs' | 'log' | 'mailer' | 'tx' | 'selfUrl'>;

/** A simple counting gate: at most `n` sends in flight in this process, over all jobs. */
class Gate {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number) {
    this.free = n;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

export class Push {
  readonly devices: Devices;
  readonly consents: ConsentStore;
  private readonly gate: Gate;
  private fcmSender?: { key: string; sender: FcmSender };
  private webSender?: { key: string; sender: WebPushSender };
  private tokens?: Promise<TokenSource>;
  private demoVapid?: VapidKeys;
  /** what each outcome happened to, for the bench and the logs */
  readonly counts = { sent: 0, gone: 0, retry: 0, failed: 0 };

  constructor(private readonly deps: Deps) {
    this.devices = new Devices(deps.database.db, () => this.simBase());
    this.consents = new ConsentStore(deps);
    this.gate = new Gate(this.config.concurrency);
  }

  private get config(): PushConfig {
    return this.deps.config.push;
  }

  /** The push stand-in's base URL when this server sends there: PUSH_SIM_URL, or a demo's own /sim/push. */
  simBase(): string | undefined {
    return (
      this.config.simUrl ?? (this.deps.config.demo ? joinUrl(this.deps.selfUrl(), '/sim/push') : undefined)
    );
  }

  /** FCM: the configured project (service account or preset token), else the stand-in, else none. */
  fcm(): FcmSender | undefined {
    const f = this.config.fcm;
    const sim = this.simBase();
    let target: { apiUrl: string; projectId: string; tokens: () => Promise<TokenSource> } | undefined;
    if (f.projectId && (f.accessToken || f.serviceAccountFile)) {
      const file = f.serviceAccountFile;
      target = {
        apiUrl: f.apiUrl,
        projectId: f.projectId,
        tokens: () => {
          if (f.accessToken) return Promise.resolve(presetToken(f.accessToken));
          this.tokens ??= serviceAccountTokens(file as string);
          return this.tokens;
        },
      };
    } else if (sim)
      target = { apiUrl: sim, projectId: SIM_PROJECT, tokens: async () => presetToken(SIM_FCM_TOKEN) };
    if (!target) return undefined;
    const key = `${target.apiUrl} ${target.projectId}`;
    if (this.fcmSender?.key !== key) {
      const { tokens } = target;
      const lazy: TokenSource = { getAccessToken: async () => (await tokens()).getAccessToken() };
      this.fcmSender = { key, sender: new FcmSender({ ...target, tokens: lazy }) };
    }
    return this.fcmSender.sender;
  }

  /** VAPID: the configured keys, else (demo or stand-in) keys made once and kept in the data dir. */
  vapid(): VapidKeys | undefined {
    const v = this.config.vapid;
    if (v)
      return { ...v, subject: v.subject ?? `mailto:push@${new URL(this.deps.config.publicUrl).hostname}` };
    if (!this.simBase()) return undefined;
    if (!this.demoVapid) {
      const dir = this.deps.config.dataDir;
      const file = dir.startsWith('memory://') ? undefined : join(dir, 'push-vapid.json');
      let keys: { publicKey: string; privateKey: string } | undefined;
      if (file && existsSync(file)) keys = JSON.parse(readFileSync(file, 'utf8'));
      if (!keys) {
        keys = newVapidKeys();
        if (file) {
          mkdirSync(dir, { recursive: true });
          // Only this demo's stand-in trusts these keys; still, nobody else should read them.
          writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
        }
      }
      this.demoVapid = { ...keys, subject: 'mailto:demo@yeyak.local' };
    }
    return this.demoVapid;
  }

  private web(): WebPushSender | undefined {
    const keys = this.vapid();
    if (!keys) return undefined;
    const key = `${keys.publicKey} ${this.simBase() ?? ''}`;
    if (this.webSender?.key !== key)
      this.webSender = { key, sender: new WebPushSender(keys, this.simBase()) };
    return this.webSender.sender;
  }

  /** Logging out removes the devices that session registered (auth/routes.ts calls it). */
  async forgetSession(token: string): Promise<void> {
    await this.devices.removeSession(sha256(token));
  }

  /** Whether a user gets a transactional push: push consent given and a device. */
  async reachable(userId: string): Promise<boolean> {
    const c = await this.consents.get(userId);
    return c.push.given && (await this.devices.ids(userId)).length > 0;
  }

  /** Queues `payload` for the user's devices; false when they have none or no push consent. */
  async toUser(userId: string, payload: Omit<PushPayload, 'kind'> & { kind?: string }): Promise<boolean> {
    if (!(await this.reachable(userId))) return false;
    const ids = await this.devices.ids(userId);
    await this.enqueue(ids, { kind: 'notice', ...payload }, new Date(), 0, userId);
    return true;
  }

  private async enqueue(ids: string[], payload: PushPayload, startAfter: Date, round = 0, userId?: string) {
    const jobs = [];
    for (let i = 0; i < ids.length; i += BATCH)
      jobs.push({
        name: 'push.send',
        data: { devices: ids.slice(i, i + BATCH), payload, round, userId } satisfies SendJob,
        startAfter,
      });
    await this.deps.jobs.insert(jobs);
  }

  /**
   * An advertising push to everyone (or `userIds`) who gave push and marketing consent: the title
   * starts with "(광고)"; between 21:00 and 08:00 KST only those with the night consent get it now,
   * the others at 08:00 KST. `id` makes a campaign go out once however often it is called.
   */
  async marketing(
    campaign: { id: string; title: string; body: string; link?: string },
    audience: { userIds?: string[] } = {},
    now = new Date(),
  ): Promise<CampaignResult> {
    const title = campaign.title.startsWith(AD_PREFIX) ? campaign.title : `${AD_PREFIX} ${campaign.title}`;
    const payload: PushPayload = {
      kind: 'marketing',
      title,
      body: `${campaign.body}\n수신거부: 알림 설정 / Opt out: notification settings`,
      link: campaign.link ?? '/account/notifications',
    };
    const rows = await this.audience(audience.userIds);
    const quiet = quietHours(now);
    const nowIds = rows.filter((r) => !quiet || r.night).map((r) => r.id);
    const laterIds = quiet ? rows.filter((r) => !r.night).map((r) => r.id) : [];
    const done = await once(
      this.deps.database,
      'push-marketing',
      eventUuid(`campaign:${campaign.id}`),
      async () => {
        await this.enqueue(nowIds, payload, new Date());
        if (laterIds.length) await this.enqueue(laterIds, payload, next8Kst(now));
      },
    );
    if (done === 'skipped') return { now: 0, morning: 0, devices: 0 };
    return { now: nowIds.length, morning: laterIds.length, devices: rows.length };
  }

  /** Devices of users with push and marketing consent, with whether they allow night delivery. */
  private async audience(userIds?: string[]) {
    const where: SQL[] = [eq(pushConsents.push, true), eq(pushConsents.marketing, true)];
    if (userIds)
      where.push(
        inArray(pushDevices.userId, userIds.length ? userIds : ['00000000-0000-0000-0000-000000000000']),
      );
    return this.deps.database.db
      .select({ id: pushDevices.id, night: pushConsents.night })
      .from(pushDevices)
      .innerJoin(pushConsents, eq(pushConsents.userId, pushDevices.userId))
      .where(and(...where))
      .orderBy(asc(pushDevices.id));
  }

  jobs(): JobSpec<never>[] {
    const spec: JobSpec<SendJob> = {
      name: 'push.send',
      handler: async (data) => void (await this.runBatch(data)),
      options: { retryLimit: 3, retryDelay: 5, retryBackoff: true },
    };
    return [spec as unknown as JobSpec<never>];
  }

  consumer() {
    return this.consents.consumer();
  }

  /**
   * One job: each device still there (and still consenting) gets one request. Gone devices are
   * deleted; those to retry go into one later job, after the longest Retry-After they were given.
   */
  async runBatch(job: SendJob): Promise<{ sent: number; gone: number; retry: number; failed: number }> {
    const rows = await this.deps.database.db
      .select({ d: pushDevices, c: pushConsents })
      .from(pushDevices)
      .leftJoin(pushConsents, eq(pushConsents.userId, pushDevices.userId))
      .where(inArray(pushDevices.id, job.devices));
    const ad = job.payload.kind === 'marketing';
    const quiet = quietHours();
    // Consent is read again now: it may have been withdrawn since the job was queued.
    // A device registered meanwhile by someone else no longer gets the first owner's notice.
    const allowed = rows.filter(
      ({ d, c }) =>
        (!job.userId || d.userId === job.userId) && c?.push && (!ad || (c.marketing && (!quiet || c.night))),
    );
    const fcm = this.fcm();
    const web = this.web();
    const tally = { sent: 0, gone: 0, retry: 0, failed: 0 };
    const again: string[] = [];
    let waitMs = 0;
    await Promise.all(
      allowed.map(({ d }) =>
        this.gate.run(async () => {
          let out: SendOutcome;
          if (d.kind === 'fcm')
            out = fcm
              ? await fcm.send(d.address, job.payload)
              : { status: 'failed', reason: 'FCM is not configured' };
          else
            out =
              web && d.p256dh && d.auth
                ? await web.send(
                    { endpoint: d.address, keys: { p256dh: d.p256dh, auth: d.auth } },
                    job.payload,
                  )
                : { status: 'failed', reason: 'VAPID is not configured' };
          tally[out.status]++;
          this.counts[out.status]++;
          if (out.status === 'gone') await this.devices.drop(d.id, d.address);
          else if (out.status === 'retry') {
            again.push(d.id);
            waitMs = Math.max(waitMs, out.afterMs ?? 0);
          } else if (out.status === 'failed')
            this.deps.log.warn({ device: d.id, kind: d.kind, reason: out.reason }, 'push not sent');
        }),
      ),
    );
    if (again.length) {
      if (job.round + 1 >= MAX_ROUNDS)
        this.deps.log.warn({ devices: again.length }, 'push given up after repeated "try later"');
      else {
        // Retry-After when the service gave one, else a growing pause (5 s, 10 s, 20 s …).
        const s = Math.min(MAX_WAIT_S, waitMs > 0 ? Math.ceil(waitMs / 1000) : 5 * 2 ** job.round);
        await this.enqueue(again, job.payload, new Date(Date.now() + s * 1000), job.round + 1, job.userId);
      }
    }
    return tally;
  }
}

/**
 * A VAPID key pair as `web-push generate-vapid-keys` makes it (P-256, uncompressed public key,
 * base64url), made here so web-push itself is loaded only when a push is sent.
 */
function newVapidKeys(): { publicKey: string; privateKey: string } {
  const curve = createECDH('prime256v1');
  curve.generateKeys();
  const pad = (b: Buffer, n: number) => (b.length < n ? Buffer.concat([Buffer.alloc(n - b.length), b]) : b);
  return {
    publicKey: pad(curve.getPublicKey(), 65).toString('base64url'),
    privateKey: pad(curve.getPrivateKey(), 32).toString('base64url'),
  };
}
