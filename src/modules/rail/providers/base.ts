import {
  Http,
  type HttpResult,
  sleep as realSleep,
  type Sleep,
  UpstreamError,
} from '../../../platform/net/http.ts';
import { CookieJar } from './http.ts';
import { NetFunnel } from './netfunnel.ts';
import { findStation } from './stations.ts';
import { type Credentials, type ProviderName, RailError, type RailSession, type Station } from './types.ts';

/** Options every adapter takes. Defaults are polite for the real operators. */
export type CommonOptions = {
  /** API base URL. */
  baseUrl?: string;
  /** NetFunnel `ts.wseq` URL. */
  netfunnelUrl?: string;
  /** Full User-Agent header. */
  userAgent?: string;
  /** Never two requests closer than this (default 1000 ms). */
  minIntervalMs?: number;
  /** Random extra spacing up to this (default 250 ms). */
  jitterMs?: number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** NetFunnel poll interval override (default: as the queue asks). */
  netfunnelPollMs?: number;
  netfunnelMaxWaitMs?: number;
  /** Station list override. */
  stations?: Station[];
  sleep?: Sleep;
  now?: () => number;
  /** Awaited before every request after the adapter's own pacing: a limit shared by adapters (per egress). */
  gate?: () => Promise<void>;
  /**
   * Awaited before every NetFunnel call instead of `gate`. The queue is its own host
   * (`nf.letskorail.com`), not the operator's API, and carries no session: its calls are neither
   * the account's requests nor the API's, so they wait in a line of their own. Default: `gate`.
   */
  netfunnelGate?: () => Promise<void>;
};

export type HttpAnswer = { status: number; text: string; headers: Headers };

export abstract class BaseAdapter {
  abstract readonly name: ProviderName;
  protected readonly jar = new CookieJar();
  /** The platform client: this adapter's pacing, the egress gate, the timeout, the request count. */
  private readonly client: Http;
  /** The NetFunnel calls' own client: no session, no account spacing, the queue's own gate. */
  private readonly queueClient: Http;
  protected readonly netfunnel: NetFunnel;
  protected readonly sleep: Sleep;
  protected credentials: Credentials | undefined;
  private stopped: RailError | undefined;
  protected currentSession: RailSession | undefined;

  constructor(
    provider: ProviderName,
    protected readonly common: CommonOptions,
    netfunnelUrl: string,
  ) {
    this.sleep = common.sleep ?? realSleep;
    this.client = new Http(provider, {
      // Operator URLs come from configuration (the sims on 127.0.0.1 in tests and demos), never
      // from users: the plain fetch, not the private-address guard, which would also follow redirects.
      fetch: (input, init) => fetch(input, init),
      timeoutMs: common.timeoutMs ?? 30_000,
      minIntervalMs: common.minIntervalMs ?? 1000,
      jitterMs: common.jitterMs ?? 250,
      sleep: this.sleep,
      gate: common.gate,
      // Every request counts against us at the operator: none is repeated, and a 429 is a block
      // signal (blockSignal), not something to wait out.
      attempts: 1,
      rateLimitWaits: 0,
    });
    this.queueClient = common.netfunnelGate
      ? new Http(provider, {
          fetch: (input, init) => fetch(input, init),
          timeoutMs: common.timeoutMs ?? 30_000,
          // The queue paces its own waits (`ttl`); take and release go back to back, as in the app.
          minIntervalMs: 0,
          jitterMs: 0,
          sleep: this.sleep,
          gate: common.netfunnelGate,
          attempts: 1,
          rateLimitWaits: 0,
        })
      : this.client;
    this.netfunnel = new NetFunnel({
      provider,
      url: netfunnelUrl,
      get: async (url) =>
        (await this.http('GET', url, { cookies: false, headers: this.netfunnelHeaders(), queue: true })).text,
      sleep: this.sleep,
      pollMs: common.netfunnelPollMs,
      maxWaitMs: common.netfunnelMaxWaitMs,
      now: common.now,
    });
  }

  /** Requests sent to the operator, NetFunnel included. */
  get requestCount(): number {
    return this.client.requests + (this.queueClient === this.client ? 0 : this.queueClient.requests);
  }

  /** Headers the app's NetFunnel calls carry besides the User-Agent. */
  protected netfunnelHeaders(): Record<string, string> {
    return {};
  }

  get stoppedBy(): RailError | undefined {
    return this.stopped;
  }

  get session(): RailSession | undefined {
    return this.currentSession;
  }

  /** Records a block and stops this adapter for good (a new instance is needed after the user acts). */
  protected stop(err: RailError): RailError {
    this.stopped ??= err;
    this.currentSession = undefined;
    return err;
  }

  protected abstract userAgent(): string;
  protected abstract extraHeaders(): Record<string, string>;
  /** Inspects every answer for block signals; returns an error to stop with, if any. */
  protected abstract blockSignal(answer: HttpAnswer): RailError | undefined;

  protected async http(
    method: 'GET' | 'POST',
    url: string,
    opts: { form?: string; headers?: Record<string, string>; cookies?: boolean; queue?: boolean } = {},
  ): Promise<HttpAnswer> {
    if (this.stopped) throw this.stopped;
    const useCookies = opts.cookies !== false;
    let result: HttpResult;
    try {
      result = await (opts.queue ? this.queueClient : this.client).request(url, {
        method,
        headers: {
          'User-Agent': this.userAgent(),
          ...(opts.queue ? {} : this.extraHeaders()),
          ...(opts.form !== undefined
            ? { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' }
            : {}),
          ...(opts.headers ?? {}),
        },
        body: opts.form,
        // An operator's redirect is returned as its answer: following it would be one more request.
        redirect: 'manual',
        // Pacing and the egress gate may have waited long: a block seen meanwhile sends nothing,
        // and the jar is read at the last moment so a concurrent login's cookies are used.
        beforeSend: (headers) => {
          if (this.stopped) throw this.stopped;
          const cookie = useCookies ? this.jar.header() : undefined;
          if (cookie) headers.set('Cookie', cookie);
        },
        onResponse: (res) => {
          if (useCookies) this.jar.store(res.headers);
        },
      });
    } catch (err) {
      if (err instanceof RailError || !(err instanceof UpstreamError)) throw err;
      const cause = err.details.cause instanceof Error ? err.details.cause.message : err.message;
      throw new RailError('operator', this.name, `cannot reach the operator: ${cause}`, {
        code: 'NETWORK',
        cause: err,
      });
    }
    const answer = { status: result.res.status, text: result.text, headers: result.res.headers };
    const block = this.blockSignal(answer);
    if (block) throw this.stop(block);
    return answer;
  }

  private stationCache: Station[] | undefined;
  protected abstract loadStations(): Promise<Station[]>;

  async stations(): Promise<Station[]> {
    if (this.common.stations) return this.common.stations;
    this.stationCache ??= await this.loadStations();
    return this.stationCache;
  }

  async findStation(name: string): Promise<Station> {
    return findStation(this.name, await this.stations(), name);
  }

  protected abstract doLogin(credentials: Credentials): Promise<RailSession>;

  async login(credentials: Credentials): Promise<RailSession> {
    this.jar.clear();
    this.currentSession = undefined;
    const session = await this.doLogin(credentials);
    this.credentials = credentials;
    this.currentSession = session;
    return session;
  }

  protected requireLogin(): void {
    if (!this.currentSession && !this.credentials)
      throw new RailError('not-logged-in', this.name, 'log in first');
  }

  /**
   * Runs `fn`; when the operator says the session is gone, logs in again once with the stored
   * credentials and runs `fn` one more time. A second refusal is thrown.
   */
  protected async withSession<T>(fn: () => Promise<T>): Promise<T> {
    this.requireLogin();
    if (!this.currentSession && this.credentials) await this.login(this.credentials);
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof RailError) || err.kind !== 'not-logged-in' || !this.credentials) throw err;
      await this.login(this.credentials);
      return await fn();
    }
  }
}

export function detectIdType(id: string): 'membership' | 'email' | 'phone' {
  if (id.includes('@')) return 'email';
  if (/^01\d-?\d{3,4}-?\d{4}$/.test(id)) return 'phone';
  return 'membership';
}
