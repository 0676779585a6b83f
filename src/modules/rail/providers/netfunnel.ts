/**
 * NetFunnel, the waiting-room queue in front of both operators' reserve calls.
 * We take a ticket, wait our turn as told (polling no faster than the operator asks), and only
 * then call the gated API. We never skip or forge the wait.
 *
 * Two dialects on the same host:
 * - `srt`: the JavaScript SDK form. Reply `NetFunnel.gControl.result='<next>:<status>:<k=v&…>'`.
 *   The key goes into the API form (`netfunnelKey`) and is cached for ~48 s.
 * - `korail`: the app's native form. Reply `<status>:<k=v&…>`. The key only gates the call:
 *   5101 (take) → 5002 (poll while waiting) → API call → 5004 (release). As the app does it: the
 *   take's reply names the node (`ip`, `port`) that holds the ticket, and the polls and the release
 *   go there; each poll's reply may carry a new key, which replaces the old one; the release sends
 *   the last key (released elsewhere, the node never hears of it and the slot stays taken). The
 *   pass codes 300 and 303 (the queue is not controlling the service) pass with no key and nothing
 *   to release.
 */
import type { Sleep } from '../../../platform/net/http.ts';
import { formBody } from './http.ts';
import { type ProviderName, RailError } from './types.ts';

type NetFunnelGet = (url: string) => Promise<string>;

export type NetFunnelOptions = {
  provider: ProviderName;
  /** Full URL of `ts.wseq`, e.g. https://nf.letskorail.com/ts.wseq */
  url: string;
  get: NetFunnelGet;
  sleep: Sleep;
  /** Poll interval while queued. Default: 1 s (SRT) or the server's `ttl` clamped to 1–30 s (Korail). */
  pollMs?: number;
  /** Give up queueing after this long (default 5 min). */
  maxWaitMs?: number;
  /** SRT only: how long a key is reused (default 48 s). */
  cacheMs?: number;
  now?: () => number;
};

export type NetFunnelReply = { next?: string; status: number; params: URLSearchParams };

/** A ticket that passed: the key (empty after a pass code) and the queue URL that holds it. */
type Admission = { key: string; at: string };

/** Take answers that pass without a ticket (the service is not under queue control). */
const PASS_CODES = new Set([300, 303]);

/** Parses either dialect's reply. */
export function parseNetFunnelReply(text: string): NetFunnelReply | undefined {
  const js = /result\s*=\s*'([^']*)'/.exec(text);
  const body = (js ? js[1] : text).trim();
  const parts = body.split(':');
  if (js && parts.length >= 3 && /^\d+$/.test(parts[1]))
    return {
      next: parts[0],
      status: Number(parts[1]),
      params: new URLSearchParams(parts.slice(2).join(':')),
    };
  if (parts.length >= 2 && /^\d+$/.test(parts[0]))
    return { status: Number(parts[0]), params: new URLSearchParams(parts.slice(1).join(':')) };
  if (/^\d+$/.test(body)) return { status: Number(body), params: new URLSearchParams() };
  return undefined;
}

export class NetFunnel {
  private readonly cached = new Map<string, { key: string; at: number }>();
  /** Counts of opcodes sent, for tests and health checks. */
  readonly sent = { take: 0, poll: 0, complete: 0 };

  constructor(private readonly o: NetFunnelOptions) {}

  private get now(): number {
    return (this.o.now ?? Date.now)();
  }

  private query(fields: Record<string, string>, at: string): string {
    if (this.o.provider === 'srt') {
      const op = fields.opcode;
      return `${at}?${formBody({ ...fields, nfid: '0', prefix: `NetFunnel.gRtype=${op};`, js: 'true' })}&${Date.now()}=`;
    }
    return `${at}?${formBody(fields)}`;
  }

  /**
   * Korail: the queue URL on the node a reply names (`ip`, `port`), same scheme and path as the
   * configured one; the current URL when the reply names none or something that is not a host.
   */
  private node(reply: NetFunnelReply, current: string): string {
    if (this.o.provider !== 'korail') return current;
    const ip = reply.params.get('ip') ?? '';
    const port = reply.params.get('port') ?? '';
    if (!/^[A-Za-z0-9.-]{1,253}$/.test(ip) || !/^\d{1,5}$/.test(port) || Number(port) > 65_535)
      return current;
    const u = new URL(this.o.url);
    u.hostname = ip;
    u.port = port;
    return u.toString();
  }

  private async call(fields: Record<string, string>, at = this.o.url): Promise<NetFunnelReply> {
    const text = await this.o.get(this.query(fields, at));
    const reply = parseNetFunnelReply(text);
    if (!reply)
      throw new RailError('operator', this.o.provider, 'NetFunnel answered something unreadable', {
        operatorMessage: text.slice(0, 200),
      });
    return reply;
  }

  private refused(reply: NetFunnelReply): RailError {
    return new RailError(
      'operator',
      this.o.provider,
      `the operator's queue (NetFunnel) refused entry (status ${reply.status}); try again later`,
      { code: `NF${reply.status}`, operatorMessage: reply.params.get('msg') ?? undefined },
    );
  }

  /**
   * Takes a ticket and waits until admitted. A key the queue no longer knows (5002 answering 503)
   * is replaced by a fresh ticket once.
   */
  private async admit(aid: string): Promise<Admission> {
    const started = this.now;
    const maxWait = this.o.maxWaitMs ?? 300_000;
    for (let attempt = 0; attempt < 2; attempt++) {
      this.sent.take++;
      let reply = await this.call({ opcode: '5101', sid: 'service_1', aid });
      if (PASS_CODES.has(reply.status)) return { key: '', at: this.o.url };
      let at = this.node(reply, this.o.url);
      let key = reply.params.get('key') ?? '';
      let stale = false;
      // Bounded: every turn sleeps, and the total wait is capped.
      for (let polls = 0; polls < 10_000; polls++) {
        if (polls > 0) {
          // Each answer may carry a new key (and node); the old key is then forgotten by the queue.
          key = reply.params.get('key') || key;
          at = this.node(reply, at);
        }
        if (reply.status === 200 || reply.status === 502) return { key, at };
        if (reply.status !== 201 && reply.status !== 202) {
          if (polls > 0 && reply.status === 503) {
            stale = true;
            break;
          }
          throw this.refused(reply);
        }
        if (this.now - started > maxWait)
          throw new RailError(
            'operator',
            this.o.provider,
            'waited too long in the operator queue (NetFunnel)',
            {
              code: 'NF-TIMEOUT',
            },
          );
        const ttl = Number(reply.params.get('ttl') ?? '1');
        const wait =
          this.o.pollMs ??
          (this.o.provider === 'srt'
            ? 1000
            : Math.min(30, Math.max(1, Number.isFinite(ttl) ? ttl : 1)) * 1000);
        await this.o.sleep(wait);
        this.sent.poll++;
        const pollFields: Record<string, string> =
          this.o.provider === 'srt'
            ? { opcode: '5002', key, ttl: '1', sid: 'service_1', aid }
            : { opcode: '5002', key };
        reply = await this.call(pollFields, at);
      }
      if (!stale) break;
    }
    throw new RailError('netfunnel-stale', this.o.provider, 'the NetFunnel queue dropped our ticket twice', {
      code: 'NF503',
    });
  }

  /** Releases the slot on the node that holds it; nothing to release after a pass code. */
  private async complete({ key, at }: Admission): Promise<void> {
    if (!key) return;
    this.sent.complete++;
    const reply = await this.call({ opcode: '5004', key }, at).catch(() => undefined);
    void reply; // 200 or 502 (already completed) are both fine; a failed release is not our caller's problem.
  }

  /** SRT: a key for the API form, reused while younger than `cacheMs` (one per action id). */
  async key(aid = 'act_10'): Promise<string> {
    const maxAge = this.o.cacheMs ?? 48_000;
    const hit = this.cached.get(aid);
    if (hit && this.now - hit.at < maxAge) return hit.key;
    const ticket = await this.admit(aid);
    await this.complete(ticket);
    this.cached.set(aid, { key: ticket.key, at: this.now });
    return ticket.key;
  }

  /** Forgets cached keys (the server called one stale). */
  invalidate(aid?: string): void {
    if (aid) this.cached.delete(aid);
    else this.cached.clear();
  }

  /** Korail: runs `fn` once admitted, then releases the key. */
  async gate<T>(aid: string, fn: () => Promise<T>): Promise<T> {
    const ticket = await this.admit(aid);
    try {
      return await fn();
    } finally {
      await this.complete(ticket);
    }
  }
}
