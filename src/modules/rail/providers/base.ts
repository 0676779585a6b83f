import { CookieJar, RailPacer, realSleep, type Sleep } from './http.ts';
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
};

export type HttpAnswer = { status: number; text: string; headers: Headers };

export abstract class BaseAdapter {
  abstract readonly name: ProviderName;
  protected readonly jar = new CookieJar();
  protected readonly pacer: RailPacer;
  protected readonly netfunnel: NetFunnel;
  protected readonly sleep: Sleep;
  protected credentials: Credentials | undefined;
  private stopped: RailError | undefined;
  protected currentSession: RailSession | undefined;
  /** Requests sent to the operator, NetFunnel included. */
  requestCount = 0;

  constructor(
    provider: ProviderName,
    protected readonly common: CommonOptions,
    netfunnelUrl: string,
  ) {
    this.sleep = common.sleep ?? realSleep;
    this.pacer = new RailPacer(common.minIntervalMs ?? 1000, common.jitterMs ?? 250, this.sleep);
    this.netfunnel = new NetFunnel({
      provider,
      url: netfunnelUrl,
      get: async (url) => (await this.http('GET', url, { cookies: false })).text,
      sleep: this.sleep,
      pollMs: common.netfunnelPollMs,
      maxWaitMs: common.netfunnelMaxWaitMs,
      now: common.now,
    });
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
    opts: { form?: string; headers?: Record<string, string>; cookies?: boolean } = {},
  ): Promise<HttpAnswer> {
    if (this.stopped) throw this.stopped;
    await this.pacer.wait();
    if (this.common.gate) await this.common.gate();
    if (this.stopped) throw this.stopped;
    const useCookies = opts.cookies !== false;
    const headers: Record<string, string> = {
      'User-Agent': this.userAgent(),
      ...this.extraHeaders(),
      ...(opts.form !== undefined
        ? { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' }
        : {}),
      ...(opts.headers ?? {}),
    };
    const cookie = useCookies ? this.jar.header() : undefined;
    if (cookie) headers.Cookie = cookie;
    this.requestCount++;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: opts.form,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.common.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new RailError('operator', this.name, `cannot reach the operator: ${(err as Error).message}`, {
        code: 'NETWORK',
      });
    }
    if (useCookies) this.jar.store(res.headers);
    const answer = { status: res.status, text: await res.text(), headers: res.headers };
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
