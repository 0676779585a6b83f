/**
 * `yeyak sim rail`, `yeyak rail search`, `yeyak rail watch`, `yeyak rail account add|list|remove`.
 * The rail commands talk to a running yeyak over its HTTP API (the same validation, watches that
 * live on in the server after the CLI exits if you want), so they need its address and a login:
 * --server (YEYAK_URL, default http://localhost:$PORT) and YEYAK_TOKEN, or --email/--password
 * (YEYAK_EMAIL/YEYAK_PASSWORD).
 */
import { Argument, type Command } from 'commander';
import { TRAIN_GROUPS, type TrainGroup } from './providers/types.ts';
import { hhmm, normalizeDate, normalizeTime, ymd } from './time.ts';

type Envelope<T> = { code: number; description: string; data?: T };

type Common = { server?: string; token?: string; email?: string; password?: string };

class Api {
  constructor(
    private readonly base: string,
    private token?: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(
        `cannot reach yeyak at ${this.base} (${(err as Error).message}); is \`yeyak serve\` running?`,
      );
    }
    const env = (await res
      .json()
      .catch(() => ({ code: res.status, description: res.statusText }))) as Envelope<T>;
    if (!res.ok) {
      // Name the field the way the user typed it (`password`, not `body.password`).
      const errors = (env.data as { errors?: { path: string; message: string }[] } | undefined)?.errors;
      throw new Error(
        errors?.length
          ? errors.map((e) => `${e.path.replace(/^(body|params|query)\./, '')}: ${e.message}`).join('; ')
          : env.description,
      );
    }
    return env.data as T;
  }

  async login(o: Common) {
    if (this.token) return;
    const email = o.email ?? process.env.YEYAK_EMAIL;
    const password = o.password ?? process.env.YEYAK_PASSWORD;
    if (!email || !password) throw new Error('log in with --email and --password (or YEYAK_TOKEN)');
    this.token = (await this.call<{ token: string }>('POST', '/api/auth/login', { email, password })).token;
  }
}

async function connect(o: Common): Promise<Api> {
  const base = (o.server ?? process.env.YEYAK_URL ?? `http://localhost:${process.env.PORT ?? 8080}`).replace(
    /\/$/,
    '',
  );
  const api = new Api(base, o.token ?? process.env.YEYAK_TOKEN);
  await api.login(o);
  return api;
}

type Train = {
  trainNo: string;
  type: string;
  group: TrainGroup;
  departure: string;
  arrival: string;
  general: string;
  special: string;
  standby: boolean;
  price: number | null;
  departed: boolean;
};
type Reservation = {
  pnr: string;
  trainType: string;
  trainNo: string;
  date: string;
  from: string;
  to: string;
  departure: string;
  arrival: string;
  seats: { car: string; seat: string }[];
  seatCount: number;
  totalPrice: number;
  paymentDeadline: string | null;
  /** A standby request (예약대기): a place in the operator's queue, not a seat. */
  standby?: boolean;
};
type Account = {
  provider: 'srt' | 'korail';
  loginHint: string;
  memberName: string | null;
  status: string;
  lastError: string | null;
};
type Watch = {
  id: string;
  status: string;
  attempts: number;
  lastResult: string | null;
  failReason: string | null;
  shortage?: { trainNo: string; seatsLeft: number | null; asked: number }[];
  reservation: Reservation | null;
};

const MARK: Record<string, string> = { available: '예약가능', 'sold-out': '매진', absent: '—' };
const width = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\uffdc]/.test(ch) ? 2 : 1), 0);
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));

/** A plain text table with columns sized to their widest cell (Hangul counts double). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, i) => pad(c, widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const dateArg = (v: string) => {
  const d = normalizeDate(v);
  if (!d) throw new Error(`--date: "${v}" is not a date (YYYY-MM-DD)`);
  return d;
};
const timeArg = (name: string, v: string) => {
  const t = normalizeTime(v);
  if (!t) throw new Error(`--${name}: "${v}" is not a time (HH:mm)`);
  return t;
};

/** The families in the user's words too (Korean names, any case): `ktx,새마을` → KTX, saemaeul. */
const GROUP_NAMES: Record<string, TrainGroup> = {
  ...Object.fromEntries(TRAIN_GROUPS.map((g) => [g.toLowerCase(), g])),
  새마을: 'saemaeul',
  무궁화: 'mugunghwa',
  기타: 'other',
};

/** `--types KTX,ITX`: each name checked here; whether the operator runs it is the server's call. */
export function typesArg(v: string): TrainGroup[] {
  const names = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length) throw new Error(`--types: name at least one of ${TRAIN_GROUPS.join(', ')}`);
  const out: TrainGroup[] = [];
  for (const n of names) {
    const g = GROUP_NAMES[n.toLowerCase()];
    if (!g) throw new Error(`--types: "${n}" is not a train type (${TRAIN_GROUPS.join(', ')})`);
    if (!out.includes(g)) out.push(g);
  }
  return out;
}

/** A standby request in words: a place in the queue, not a seat (no car, no seat, nothing to pay yet). */
function describeStandby(r: Reservation): string {
  return [
    `standby request (예약대기) placed for ${r.trainType} ${r.trainNo} ${r.from} → ${r.to} ${ymd(r.date)} ${hhmm(r.departure)}–${hhmm(r.arrival)}: NOT a seat yet`,
    `  request no. ${r.pnr} · ${r.seatCount} passenger(s) · ${r.totalPrice.toLocaleString('ko-KR')}원 if a seat is granted`,
    '  the operator gives you a seat only if one frees up; yeyak tells you then, with the payment deadline',
  ].join('\n');
}

/** "train 305: 1 seat left, 2 asked" for the trains too short for the party. */
export function describeShortage(w: Pick<Watch, 'shortage'>): string {
  return (w.shortage ?? [])
    .map((x) =>
      x.seatsLeft === null
        ? `train ${x.trainNo}: fewer seats left than the ${x.asked} asked`
        : `train ${x.trainNo}: ${x.seatsLeft} seat${x.seatsLeft === 1 ? '' : 's'} left, ${x.asked} asked`,
    )
    .join('; ');
}

function describeReservation(r: Reservation): string {
  if (r.standby) return describeStandby(r);
  const seats = r.seats.map((s) => `${s.car}-${s.seat}`).join(', ') || `${r.seatCount} seat(s)`;
  const deadline = r.paymentDeadline
    ? new Date(r.paymentDeadline).toLocaleString('ko-KR', { timeZone: 'Asia/Seoul' })
    : '—';
  return [
    `reserved ${r.trainType} ${r.trainNo} ${r.from} → ${r.to} ${ymd(r.date)} ${hhmm(r.departure)}–${hhmm(r.arrival)}`,
    `  reservation no. ${r.pnr} · seats ${seats} · ${r.totalPrice.toLocaleString('ko-KR')}원`,
    `  pay by ${deadline} (KST) in the operator's app; yeyak never pays`,
  ].join('\n');
}

const PROVIDER_LABEL = { srt: 'SRT', korail: 'Korail' } as const;
type ProviderName = keyof typeof PROVIDER_LABEL;
const providerArg = () =>
  new Argument('<provider>', 'srt or korail').choices(Object.keys(PROVIDER_LABEL) as ProviderName[]);

/**
 * Asks on the terminal, writing to stderr so stdout stays for results. With `hidden` nothing of the
 * answer is echoed (a password must not stay on screen or in a terminal log).
 */
function ask(question: string, hidden: boolean): Promise<string> {
  const input = process.stdin;
  const out = process.stderr;
  return new Promise((resolve, reject) => {
    let answer = '';
    const done = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      out.write('\n');
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (text.startsWith('\x1b')) return; // arrow keys and the like
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\x03') {
          done();
          process.exit(130);
        }
        if (ch === '\x04' && !answer) return done(new Error('cancelled'));
        if (ch === '\x7f' || ch === '\b') {
          if (answer && !hidden) out.write('\b \b');
          answer = [...answer].slice(0, -1).join('');
        } else if (ch >= ' ') {
          answer += ch;
          if (!hidden) out.write(ch);
        }
      }
    };
    // Raw (no echo) before the question shows: whatever is typed after seeing it is not echoed.
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
    out.write(question);
  });
}

/** The first line piped into stdin (`echo "$PW" | yeyak …`, `< file`). */
async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

const withServer = (c: Command) =>
  c
    .option('--server <url>', 'yeyak address (YEYAK_URL; default http://localhost:$PORT)')
    .option('--token <token>', 'login token (YEYAK_TOKEN)')
    .option('--email <email>', 'log in to yeyak with this account (YEYAK_EMAIL)')
    .option('--password <password>', 'your yeyak password (YEYAK_PASSWORD)');

const withTrip = (c: Command) =>
  c
    .requiredOption('--from <station>', 'departure station, e.g. 수서')
    .requiredOption('--to <station>', 'arrival station, e.g. 부산')
    .requiredOption('--date <date>', 'YYYY-MM-DD')
    .option('--provider <srt|korail>', 'operator', 'srt')
    .option('--adults <n>', 'adults', '1')
    .option('--children <n>', 'children', '0')
    .option('--seniors <n>', 'seniors', '0')
    .option(
      '--types <list>',
      `train types, comma-separated (${TRAIN_GROUPS.join(', ')}; SRT runs only SRT); default all`,
    );

const passengers = (o: { adults: string; children: string; seniors: string }) => ({
  adult: Number(o.adults),
  child: Number(o.children),
  senior: Number(o.seniors),
});

export function registerRailCommands(program: Command, fail: (err: unknown) => never) {
  const simCmd = program.command('sim').description('stand-ins for outside services');
  simCmd
    .command('rail')
    .description('run the SRT/Korail stand-in operator alone (prints its URL)')
    .option('--port <n>', 'port', process.env.RAIL_SIM_PORT ?? '8790')
    .option('--host <host>', 'address', process.env.RAIL_SIM_HOST ?? '127.0.0.1')
    .option('--seed <n>', 'timetable seed')
    .option('--cancellation-rate <n>', 'seats per minute freed on sold-out classes', '2')
    .option('--block-threshold <n>', 'requests per minute before an IP block', '100')
    .action(
      async (o: {
        port: string;
        host: string;
        seed?: string;
        cancellationRate: string;
        blockThreshold: string;
      }) => {
        const { startRailSim, DEFAULT_USERS } = await import('../../../sims/rail/server.ts');
        const sim = await startRailSim({
          port: Number(o.port),
          host: o.host,
          seed: o.seed ? Number(o.seed) : undefined,
          cancellationRate: Number(o.cancellationRate),
          blockThreshold: Number(o.blockThreshold),
        }).catch(fail);
        console.log(sim.url);
        console.error(
          `rail sim: SRT + Korail at ${sim.url} (NetFunnel ${sim.netfunnelUrl}); members ${DEFAULT_USERS.map((u) => u.memberNo).join(', ')}, password ${DEFAULT_USERS[0].password} (first). ` +
            `Point yeyak at it: RAIL_SRT_URL=${sim.url} RAIL_KORAIL_URL=${sim.url}`,
        );
        const stop = () => void sim.close().then(() => process.exit(0));
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      },
    );

  const rail = program.command('rail').description('KTX/SRT search and watches (talks to a running yeyak)');

  withServer(withTrip(rail.command('search').description('print the trains with availability per class')))
    .option('--time <HH:mm>', 'earliest departure', '00:00')
    .action(async (o: Common & Record<string, string>) => {
      try {
        const trainTypes = o.types === undefined ? undefined : typesArg(o.types);
        const api = await connect(o);
        const data = await api.call<{ sandbox: boolean; from: string; to: string; trains: Train[] }>(
          'POST',
          '/api/rail/search',
          {
            provider: o.provider,
            from: o.from,
            to: o.to,
            date: dateArg(o.date),
            time: timeArg('time', o.time),
            passengers: passengers(o as never),
            ...(trainTypes ? { trainTypes } : {}),
          },
        );
        console.log(
          `${o.provider.toUpperCase()} ${data.from} → ${data.to} ${ymd(dateArg(o.date))}${trainTypes ? ` (${trainTypes.join(', ')} only)` : ''}${data.sandbox ? ' [sandbox]' : ''}`,
        );
        console.log(
          table(
            ['train', 'type', 'dep', 'arr', 'general', 'special', 'standby', 'fare'],
            data.trains.map((t) => [
              t.trainNo,
              t.type,
              hhmm(t.departure),
              hhmm(t.arrival),
              t.departed ? '출발' : (MARK[t.general] ?? t.general),
              t.departed ? '' : (MARK[t.special] ?? t.special),
              t.standby ? '대기가능' : '',
              t.price ? `${t.price.toLocaleString('ko-KR')}원` : '',
            ]),
          ),
        );
      } catch (err) {
        fail(err);
      }
    });

  withServer(
    withTrip(
      rail
        .command('watch')
        .description('watch one train or a time window until a seat frees up; exits with the reservation'),
    ),
  )
    .option('--train <no>', 'one train number')
    .option('--after <HH:mm>', 'earliest departure of the window', '00:00')
    .option('--before <HH:mm>', 'latest departure of the window', '23:59')
    .option('--seat <policy>', 'general-first, general-only, special-first or special-only', 'general-first')
    .option('--select <how>', 'earliest, latest or random among matching trains', 'earliest')
    .option('--standby', 'accept a standby (예약대기) request when seats stay sold out')
    .option(
      '--notify <channels>',
      'comma-separated: email,discord,slack,telegram,kakao (default: the channels in your settings)',
    )
    .option('--keep', 'on Ctrl-C leave the watch running in the server')
    .action(async (o: Common & Record<string, string | boolean | undefined>) => {
      let api: Api;
      let watch: Watch;
      try {
        const trainTypes = o.types === undefined ? undefined : typesArg(String(o.types));
        // One train is one type already; the filter picks among the trains of a window.
        if (trainTypes && o.train)
          throw new Error('--types: filters a time window (--after/--before), not --train');
        api = await connect(o);
        watch = (
          await api.call<{ watch: Watch }>('POST', '/api/rail/watches', {
            provider: o.provider,
            from: o.from,
            to: o.to,
            date: dateArg(String(o.date)),
            ...(o.train
              ? { trainNo: String(o.train) }
              : {
                  timeFrom: timeArg('after', String(o.after)),
                  timeTo: timeArg('before', String(o.before)),
                  ...(trainTypes ? { trainTypes } : {}),
                }),
            passengers: passengers(o as never),
            seatPolicy: o.seat,
            selection: o.select,
            standby: !!o.standby,
            // Without the flag the server uses the channels the user set up.
            ...(o.notify === undefined
              ? {}
              : {
                  notify: String(o.notify)
                    .split(',')
                    .map((s) => s.trim())
                    .filter(Boolean),
                }),
          })
        ).watch;
      } catch (err) {
        fail(err);
      }
      const started = Date.now();
      const tty = process.stdout.isTTY;
      let stopping = false;
      process.on('SIGINT', () => {
        if (stopping) process.exit(130);
        stopping = true;
        if (tty) process.stdout.write('\n');
        const done = o.keep
          ? Promise.resolve(console.log(`left watch ${watch.id} running in the server`))
          : api
              .call('POST', `/api/rail/watches/${watch.id}/stop`)
              .then(() => console.log(`stopped watch ${watch.id}`));
        done.then(
          () => process.exit(130),
          () => process.exit(1),
        );
      });
      console.log(`watching (${watch.id}); Ctrl-C stops`);
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        if (stopping) continue;
        try {
          watch = (await api.call<{ watch: Watch }>('GET', `/api/rail/watches/${watch.id}`)).watch;
        } catch (err) {
          console.error(`\n${(err as Error).message}`);
          continue;
        }
        const elapsed = Math.round((Date.now() - started) / 1000);
        const short = describeShortage(watch);
        const status = watch.reservation?.standby ? 'standby requested' : watch.status;
        const line = `${status} · attempts ${watch.attempts} · ${watch.lastResult ?? '—'}${short ? ` · ${short}` : ''} · ${Math.floor(elapsed / 60)}m${String(elapsed % 60).padStart(2, '0')}s`;
        if (tty) process.stdout.write(`\r\x1b[2K${line}`);
        else console.log(line);
        if (watch.status === 'reserved' && watch.reservation) {
          if (tty) process.stdout.write('\n');
          console.log(describeReservation(watch.reservation));
          process.exit(0);
        }
        if (watch.status === 'failed' || watch.status === 'stopped') {
          if (tty) process.stdout.write('\n');
          console.error(`watch ${watch.status}: ${watch.failReason ?? ''}`);
          process.exit(1);
        }
      }
    });

  const account = rail
    .command('account')
    .description('operator logins (SRT, Korail) that yeyak keeps, encrypted, for your watches');

  withServer(
    account
      .command('add')
      .description(
        'check an operator login with the operator and save it; the operator password is asked for ' +
          '(hidden) or read from stdin, never taken from the command line',
      )
      .addArgument(providerArg()),
  )
    .option('--id <login>', 'membership number, e-mail or phone at the operator (asked when missing)')
    .action(async (provider: ProviderName, o: Common & { id?: string }) => {
      try {
        const label = PROVIDER_LABEL[provider];
        const tty = !!process.stdin.isTTY;
        let id = o.id?.trim();
        if (!id && !tty) throw new Error('--id is required when stdin is not a terminal');
        // Log in to yeyak first so nobody types an operator password only to be told that.
        const api = await connect(o);
        if (!id) id = (await ask(`${label} login (membership no., e-mail or phone): `, false)).trim();
        if (!id) throw new Error('id: required');
        // argv is visible to every user on the machine (ps), so the password only comes in on stdin.
        const password = tty ? await ask(`${label} password: `, true) : await firstLineOfStdin();
        if (!password)
          throw new Error(
            'password: required (type it at the prompt, or pipe it in: `printf %s "$PW" | yeyak rail account add …`)',
          );
        const { account: saved } = await api.call<{ account: Account }>(
          'PUT',
          `/api/rail/accounts/${provider}`,
          {
            id,
            password,
          },
        );
        console.log(
          `saved ${label} account ${saved.loginHint}${saved.memberName ? ` (${saved.memberName})` : ''}: ${label} accepted the login`,
        );
      } catch (err) {
        fail(err);
      }
    });

  withServer(account.command('list').description('my operator logins (masked) and their status')).action(
    async (o: Common) => {
      try {
        const api = await connect(o);
        const { accounts } = await api.call<{ accounts: Account[] }>('GET', '/api/rail/accounts');
        if (!accounts.length) {
          console.log('no operator accounts yet; add one with `yeyak rail account add srt`');
          return;
        }
        console.log(
          table(
            ['provider', 'login', 'member', 'status', 'note'],
            accounts.map((a) => [
              PROVIDER_LABEL[a.provider] ?? a.provider,
              a.loginHint,
              a.memberName ?? '',
              a.status,
              a.lastError ?? '',
            ]),
          ),
        );
      } catch (err) {
        fail(err);
      }
    },
  );

  withServer(
    account
      .command('remove')
      .description('forget an operator login (its running watches stop)')
      .addArgument(providerArg()),
  ).action(async (provider: ProviderName, o: Common) => {
    try {
      const api = await connect(o);
      await api.call('DELETE', `/api/rail/accounts/${provider}`);
      console.log(`removed the ${PROVIDER_LABEL[provider]} account; its running watches were stopped`);
    } catch (err) {
      fail(err);
    }
  });
}
