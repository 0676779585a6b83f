/**
 * A stand-in rail operator on one port: the SRT app API, the Korail app API and NetFunnel,
 * each on its real paths. Loopback by default.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { type Answer, type Ctx, json, text } from './common.ts';
import { type Operator, STATIONS } from './data.ts';
import { handleKorail, KORAIL_BLOCK_ANSWER, KORAIL_PREFIX } from './korail.ts';
import { type NetFunnelNode, NetFunnelSim } from './netfunnel.ts';
import { handleSrt, SRT_BLOCKED_TEXT, SRT_PATHS } from './srt.ts';
import { kstDate, type RailSimOptions, RailWorld, type SeatClass, type WorldState } from './world.ts';

export type { RailSimOptions, SimUser } from './world.ts';
export { DEFAULT_USERS } from './world.ts';

export type RailSim = {
  /** Base URL for both operators' APIs, e.g. http://127.0.0.1:40123 */
  url: string;
  /** NetFunnel URL (`${url}/ts.wseq`). */
  netfunnelUrl: string;
  close: () => Promise<void>;
  world: RailWorld;
  /** Today in KST by the sim's clock, YYYYMMDD. */
  today: () => string;
  /** Moves the sim's clock forward (holds expire, sessions idle out, cancellations release seats). */
  advance: (ms: number) => void;
  setCancellationRate: (seatsPerMinute: number) => void;
  setBlockThreshold: (requestsPerWindow: number) => void;
  unblock: () => void;
  /** Blocks one operator for every address until `unblock`. */
  blockOperator: (operator: Operator) => void;
  expireSessions: () => void;
  /** Makes every NetFunnel key issued so far stale (the SRT API answers NET000001). */
  expireNetfunnelKeys: () => void;
  setNetfunnelKeyTtl: (ms: number) => void;
  setNetfunnelWaitPolls: (n: number) => void;
  /** The next n queue polls (5002) answer 503, as if the queue lost the ticket. */
  staleNetfunnelPolls: (n: number) => void;
  /** Korail takes (5101) answer this pass code (300 or 303: pass, no key); 0 gives tickets again. */
  setNetfunnelPassCode: (code: 0 | 300 | 303) => void;
  /** The NetFunnel nodes (the main host first) as the replies name them. */
  netfunnelNodes: NetFunnelNode[];
  seedSoldOut: (operator: Operator, date: string, trainNo: number, cls?: SeatClass) => void;
  releaseSeats: (operator: Operator, date: string, trainNo: number, cls: SeatClass, n: number) => number;
  /** The next n reserve attempts lose the race for the last seat (`잔여석없음`). */
  loseNextRaces: (n: number) => void;
  setKorailMacroCheck: (on: boolean) => void;
  pay: (pnr: string) => boolean;
  /** Search requests answer only after this long (default 0). */
  setSearchDelay: (ms: number) => void;
  /** Search requests received so far, counted on arrival (before any delay). */
  searchesArrived: () => number;
  counts: () => {
    total: number;
    byPath: Record<string, number>;
    blockedAnswers: number;
    /** Search pages by the party size they asked seats for. */
    searchesByParty: Record<number, number>;
    /** `wrongNode`: polls and releases sent to a node that does not hold the ticket (503). */
    netfunnel: {
      take: number;
      poll: number;
      complete: number;
      wrongNode: number;
      badHeaders: number;
      open: number;
    };
  };
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1_000_000) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

const SRT_SEARCH = '/ara/selectListAra10007_n.do';
const KORAIL_SEARCH = `${KORAIL_PREFIX}seatMovie.ScheduleView`;

export async function startRailSim(options: RailSimOptions = {}): Promise<RailSim> {
  const world = new RailWorld(options);
  const searches = { arrived: 0, delayMs: 0 };
  const file = options.stateFile;
  if (file && existsSync(file)) world.restore(JSON.parse(readFileSync(file, 'utf8')) as WorldState);
  let saveTimer: NodeJS.Timeout | undefined;
  /** Writes the state (whole file, then rename, so a crash never leaves half a file). */
  const save = () => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(world.snapshot()));
    renameSync(`${file}.tmp`, file);
  };
  const saveSoon = () => {
    if (file && !saveTimer) saveTimer = setTimeout(save, 200);
  };
  const nodes: NetFunnelNode[] = [];
  const nf = new NetFunnelSim(
    () => world.now(),
    world.o.netfunnelWaitPolls,
    world.o.netfunnelKeyTtlMs,
    () => nodes,
  );

  const server = createServer(async (req, res) => {
    let answer: Answer;
    const setCookies: string[] = [];
    try {
      const url = new URL(req.url ?? '/', 'http://sim');
      const body = req.method === 'POST' ? await readBody(req) : '';
      const fields: Record<string, string> = Object.fromEntries(url.searchParams);
      for (const [k, v] of new URLSearchParams(body)) fields[k] = v;
      const addr = req.socket.remoteAddress ?? '?';
      const path = url.pathname;
      const ctx: Ctx = {
        world,
        nf,
        fields,
        headers: req.headers,
        sessionId: cookie(req, 'JSESSIONID'),
        setSession: (id) =>
          setCookies.push(id ? `JSESSIONID=${id}; Path=/; HttpOnly` : 'JSESSIONID=; Path=/; Max-Age=0'),
      };
      world.tick();
      if (path === SRT_SEARCH || path === KORAIL_SEARCH) {
        searches.arrived++;
        // A slow answer keeps the caller's poll in flight (tests kill a process meanwhile).
        if (searches.delayMs > 0) await new Promise((r) => setTimeout(r, searches.delayMs));
      }
      if (path === '/ts.wseq') {
        world.counts.byPath[path] = (world.counts.byPath[path] ?? 0) + 1;
        answer = {
          status: 200,
          body: nf.handle(url.searchParams, 0, req.headers as Record<string, string | undefined>),
          type: 'text/javascript;charset=UTF-8',
        };
      } else if (SRT_PATHS.has(path)) {
        // Each operator counts (and blocks) an address on its own: they are separate hosts.
        answer = world.hit(`srt ${addr}`, path) ? text(SRT_BLOCKED_TEXT) : handleSrt(path, ctx);
      } else if (path.startsWith(KORAIL_PREFIX)) {
        answer = world.hit(`korail ${addr}`, path)
          ? KORAIL_BLOCK_ANSWER()
          : handleKorail(path.slice(KORAIL_PREFIX.length), ctx);
      } else if (path === '/' || path === '/health') {
        answer = json({
          sim: 'rail',
          operators: ['srt', 'korail'],
          trains: world.timetable.length,
          stations: STATIONS.length,
          today: kstDate(world.now()),
        });
      } else {
        answer = json({ ErrorCode: '404', ErrorMsg: 'not found' }, 404);
      }
    } catch (err) {
      answer = json({ ErrorCode: '500', ErrorMsg: (err as Error).message }, 500);
    }
    res.writeHead(answer.status, {
      'content-type': answer.type,
      ...(answer.headers ?? {}),
      ...(setCookies.length ? { 'set-cookie': setCookies } : {}),
    });
    res.end(answer.body);
    saveSoon();
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  nodes.push({ ip: host, port });
  // The queue's other nodes: only `/ts.wseq`, each with its own port (the replies name it).
  const nodeServers: Server[] = [];
  for (let i = 1; i <= world.o.netfunnelNodes; i++) {
    const index = i;
    const node = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://sim');
      if (url.pathname !== '/ts.wseq') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      world.counts.byPath[url.pathname] = (world.counts.byPath[url.pathname] ?? 0) + 1;
      res.writeHead(200, { 'content-type': 'text/javascript;charset=UTF-8' });
      res.end(nf.handle(url.searchParams, index, req.headers as Record<string, string | undefined>));
    });
    await new Promise<void>((resolve, reject) => {
      node.once('error', reject);
      node.listen(0, host, () => resolve());
    });
    nodeServers.push(node);
    nodes.push({ ip: host, port: (node.address() as AddressInfo).port });
  }
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    netfunnelUrl: `${url}/ts.wseq`,
    world,
    close: () =>
      new Promise<void>((resolve) => {
        if (saveTimer) save();
        for (const n of nodeServers) {
          n.closeAllConnections();
          n.close();
        }
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    today: () => kstDate(world.now()),
    advance: (ms) => {
      world.offset += ms;
      world.tick();
    },
    setCancellationRate: (n) => {
      world.o.cancellationRate = n;
    },
    setBlockThreshold: (n) => {
      world.o.blockThreshold = n;
    },
    unblock: () => world.unblock(),
    blockOperator: (op) => world.blockOperator(op),
    expireSessions: () => world.expireSessions(),
    expireNetfunnelKeys: () => nf.expireAll(),
    setNetfunnelKeyTtl: (ms) => {
      nf.keyTtlMs = ms;
    },
    setNetfunnelWaitPolls: (n) => {
      nf.waitPolls = n;
    },
    staleNetfunnelPolls: (n) => {
      nf.stalePolls = n;
    },
    setNetfunnelPassCode: (code) => {
      nf.passCode = code;
    },
    netfunnelNodes: nodes,
    seedSoldOut: (op, date, trainNo, cls) => world.seedSoldOut(op, date, trainNo, cls),
    releaseSeats: (op, date, trainNo, cls, n) => world.releaseSeats(op, date, trainNo, cls, n),
    loseNextRaces: (n) => {
      world.racesPending = n;
    },
    setKorailMacroCheck: (on) => {
      world.o.korailMacroCheck = on;
    },
    pay: (pnr) => world.pay(pnr),
    setSearchDelay: (ms) => {
      searches.delayMs = ms;
    },
    searchesArrived: () => searches.arrived,
    counts: () => ({
      total: world.counts.total,
      byPath: { ...world.counts.byPath },
      blockedAnswers: world.counts.blockedAnswers,
      searchesByParty: { ...world.counts.searchesByParty },
      netfunnel: { ...nf.counts, open: nf.open() },
    }),
  };
}
