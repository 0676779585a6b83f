/**
 * NetFunnel stand-in (`/ts.wseq`), both dialects: `js=true` answers in the JavaScript SDK form
 * the SRT app uses, anything else in the Korail app's native `<status>:<k=v&…>` form.
 */
import { randomBytes } from 'node:crypto';

type Ticket = { state: 'waiting' | 'passed' | 'completed'; pollsLeft: number; passedAt: number };

export class NetFunnelSim {
  private readonly tickets = new Map<string, Ticket>();
  /** The next n polls (5002) answer 503 as if the queue server forgot the key. */
  stalePolls = 0;
  readonly counts = { take: 0, poll: 0, complete: 0 };

  constructor(
    private readonly now: () => number,
    public waitPolls: number,
    public keyTtlMs: number,
    private readonly node: () => { ip: string; port: number },
  ) {}

  /** Whether the SRT API should accept this key. */
  valid(key: string | undefined): 'ok' | 'missing' | 'stale' {
    if (!key) return 'missing';
    const t = this.tickets.get(key);
    if (!t || t.state === 'waiting' || this.now() - t.passedAt >= this.keyTtlMs) return 'stale';
    return 'ok';
  }

  expireAll(): void {
    this.tickets.clear();
  }

  handle(q: URLSearchParams): string {
    const op = q.get('opcode') ?? '';
    const js = q.get('js') === 'true';
    const { ip, port } = this.node();
    const reply = (next: string, status: number, params: Record<string, string | number>) => {
      const kv = Object.entries(params)
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      return js
        ? `NetFunnel.gRtype=${op}; NetFunnel.gControl.result='${next}:${status}:${kv}'; NetFunnel.gControl._showResult();`
        : `${status}:${kv}`;
    };
    const where = { ip, port };
    if (op === '5101') {
      this.counts.take++;
      const key = randomBytes(20).toString('hex').toUpperCase();
      const t: Ticket = { state: 'waiting', pollsLeft: this.waitPolls, passedAt: 0 };
      this.tickets.set(key, t);
      if (t.pollsLeft <= 0) {
        t.state = 'passed';
        t.passedAt = this.now();
        return reply('5004', 200, { key, nwait: 0, nnext: 0, tps: 0, ttl: 0, ...where });
      }
      return reply('5002', 201, { key, nwait: t.pollsLeft, nnext: 1, tps: 11.2, ttl: 1, ...where });
    }
    if (op === '5002') {
      this.counts.poll++;
      const key = q.get('key') ?? '';
      const t = this.tickets.get(key);
      if (this.stalePolls > 0 || !t) {
        if (this.stalePolls > 0) this.stalePolls--;
        this.tickets.delete(key);
        return reply('5002', 503, { msg: 'Wrong Server ID' });
      }
      if (t.state !== 'waiting') return reply('5004', 200, { key, nwait: 0, ...where });
      t.pollsLeft--;
      if (t.pollsLeft <= 0) {
        t.state = 'passed';
        t.passedAt = this.now();
        return reply('5004', 200, { key, nwait: 0, nnext: 0, tps: 0, ttl: 0, ...where });
      }
      return reply('5002', 201, { key, nwait: t.pollsLeft, nnext: 1, tps: 11.2, ttl: 1, ...where });
    }
    if (op === '5004') {
      this.counts.complete++;
      const key = q.get('key') ?? '';
      const t = this.tickets.get(key);
      if (!t || t.state === 'completed') return reply('5004', 502, { key: '', nwait: 0 });
      t.state = 'completed';
      return reply('5004', 200, { key: '', nwait: 0 });
    }
    return reply(op || '0', 500, { msg: 'unknown opcode' });
  }
}
