/**
 * NetFunnel stand-in (`/ts.wseq`), both dialects: `js=true` answers in the JavaScript SDK form
 * the SRT app uses, anything else in the Korail app's native `<status>:<k=v&…>` form.
 *
 * The Korail dialect runs on several nodes, as the real queue does: a take (5101) on the main host
 * names the node (`ip`, `port`) that holds the ticket, and the polls (5002) and the release (5004)
 * must go there; another node answers 503 and the slot stays taken. Every poll hands out a fresh
 * key (the old one is forgotten), and the release must carry the last one. A queue that is not
 * controlling the service answers 300 or 303 to a take, with no key and nothing to release.
 */
import { randomBytes } from 'node:crypto';

type Ticket = {
  state: 'waiting' | 'passed' | 'completed';
  pollsLeft: number;
  passedAt: number;
  /** The node that holds the ticket (0 is the main host). */
  node: number;
  /** The Korail dialect: key swapped on every poll, released on its node only. */
  native: boolean;
};

export type NetFunnelNode = { ip: string; port: number };

/** The SRT app's Android package, which its WebView names in `X-Requested-With`. */
export const SRT_APP_PACKAGE = 'kr.co.srail.newapp';

export class NetFunnelSim {
  private readonly tickets = new Map<string, Ticket>();
  /** The next n polls (5002) answer 503 as if the queue server forgot the key. */
  stalePolls = 0;
  /** A take (5101) answers this pass code (300 or 303) instead of a ticket; 0 for tickets. */
  passCode = 0;
  private nextNode = 0;
  readonly counts = { take: 0, poll: 0, complete: 0, wrongNode: 0, badHeaders: 0 };

  constructor(
    private readonly now: () => number,
    public waitPolls: number,
    public keyTtlMs: number,
    /** Node 0 is the main host; the Korail dialect's tickets live on the others (when there are any). */
    private readonly nodes: () => NetFunnelNode[],
  ) {}

  /** Whether the SRT API should accept this key. */
  valid(key: string | undefined): 'ok' | 'missing' | 'stale' {
    if (!key) return 'missing';
    const t = this.tickets.get(key);
    if (!t || t.state === 'waiting' || this.now() - t.passedAt >= this.keyTtlMs) return 'stale';
    return 'ok';
  }

  /** Korail slots passed and never released (a client that leaks them holds the queue up). */
  open(): number {
    let n = 0;
    for (const t of this.tickets.values()) if (t.native && t.state === 'passed') n++;
    return n;
  }

  expireAll(): void {
    this.tickets.clear();
  }

  /** A fresh key for a ticket, the old one forgotten. */
  private swap(old: string, t: Ticket): string {
    const key = randomBytes(20).toString('hex').toUpperCase();
    this.tickets.delete(old);
    this.tickets.set(key, t);
    return key;
  }

  /**
   * Answers one `/ts.wseq` request that arrived at `node` (0: the main host). `headers`: the
   * request's, lower-case names.
   */
  handle(q: URLSearchParams, node = 0, headers: Record<string, string | undefined> = {}): string {
    const op = q.get('opcode') ?? '';
    const js = q.get('js') === 'true';
    const nodes = this.nodes();
    const reply = (next: string, status: number, params: Record<string, string | number>) => {
      const kv = Object.entries(params)
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      // The SDK's form: the `prefix` the caller sent (`NetFunnel.gRtype=<opcode>;`) echoed first,
      // then the result and the call that shows it.
      const prefix = q.get('prefix') || `NetFunnel.gRtype=${op};`;
      return js
        ? `${prefix} NetFunnel.gControl.result='${next}:${status}:${kv}'; NetFunnel.gControl._showResult();`
        : `${status}:${kv}`;
    };
    // The SRT app calls the queue from its WebView: the page's Referer and the app's package in
    // X-Requested-With come with every call. Without them the sim refuses (sim-only answer: the
    // real queue's reaction is not recorded).
    if (js && (!headers.referer || headers['x-requested-with'] !== SRT_APP_PACKAGE)) {
      this.counts.badHeaders++;
      return reply(op || '0', 500, { msg: 'not from the app' });
    }
    const at = (n: number) => ({ ip: nodes[n].ip, port: nodes[n].port });
    if (op === '5101') {
      this.counts.take++;
      if (this.passCode && !js) return reply('5101', this.passCode, { key: '', nwait: 0 });
      const key = randomBytes(20).toString('hex').toUpperCase();
      // The JavaScript dialect stays on the host it came to; the native one goes to a node.
      let home = node;
      if (!js && nodes.length > 1) {
        home = 1 + (this.nextNode % (nodes.length - 1));
        this.nextNode++;
      }
      const t: Ticket = { state: 'waiting', pollsLeft: this.waitPolls, passedAt: 0, node: home, native: !js };
      this.tickets.set(key, t);
      if (t.pollsLeft <= 0) {
        t.state = 'passed';
        t.passedAt = this.now();
        return reply('5004', 200, { key, nwait: 0, nnext: 0, tps: 0, ttl: 0, ...at(home) });
      }
      return reply('5002', 201, { key, nwait: t.pollsLeft, nnext: 1, tps: 11.2, ttl: 1, ...at(home) });
    }
    const key = q.get('key') ?? '';
    const t = this.tickets.get(key);
    if (t && t.node !== node) {
      // Another node does not know the ticket: the real queue answers 503 and the slot stays taken.
      this.counts.wrongNode++;
      return reply(op, 503, { msg: 'Wrong Server ID' });
    }
    if (op === '5002') {
      this.counts.poll++;
      if (this.stalePolls > 0 || !t) {
        if (this.stalePolls > 0) this.stalePolls--;
        this.tickets.delete(key);
        return reply('5002', 503, { msg: 'Wrong Server ID' });
      }
      const next = t.native ? this.swap(key, t) : key;
      if (t.state !== 'waiting') return reply('5004', 200, { key: next, nwait: 0, ...at(t.node) });
      t.pollsLeft--;
      if (t.pollsLeft <= 0) {
        t.state = 'passed';
        t.passedAt = this.now();
        return reply('5004', 200, { key: next, nwait: 0, nnext: 0, tps: 0, ttl: 0, ...at(t.node) });
      }
      return reply('5002', 201, {
        key: next,
        nwait: t.pollsLeft,
        nnext: 1,
        tps: 11.2,
        ttl: 1,
        ...at(t.node),
      });
    }
    if (op === '5004') {
      this.counts.complete++;
      if (!t || t.state === 'completed') return reply('5004', 502, { key: '', nwait: 0 });
      t.state = 'completed';
      return reply('5004', 200, { key: '', nwait: 0 });
    }
    return reply(op || '0', 500, { msg: 'unknown opcode' });
  }
}
