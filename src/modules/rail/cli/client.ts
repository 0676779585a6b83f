/**
 * What every rail command shares: the yeyak API client (address and login), the argument checks
 * and the plain text table the commands print.
 */
import type { Command } from 'commander';
import { TRAIN_GROUPS, type TrainGroup } from '../providers/types.ts';
import { normalizeDate, normalizeTime } from '../time.ts';
import { cliLang, t } from './lang.ts';

type Envelope<T> = { code: number; description: string; data?: T };

export type Common = { server?: string; token?: string; email?: string; password?: string };

export class Api {
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
          // The server words its answers in the CLI's language where it can.
          'accept-language': cliLang(),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(
        t(
          `yeyak(${this.base})에 연결할 수 없습니다 (${(err as Error).message}). \`yeyak serve\`가 실행 중인가요?`,
          `cannot reach yeyak at ${this.base} (${(err as Error).message}); is \`yeyak serve\` running?`,
        ),
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
    if (!email || !password)
      throw new Error(
        t(
          '--email과 --password(또는 YEYAK_TOKEN)로 로그인해 주세요',
          'log in with --email and --password (or YEYAK_TOKEN)',
        ),
      );
    this.token = (await this.call<{ token: string }>('POST', '/api/auth/login', { email, password })).token;
  }
}

export async function connect(o: Common): Promise<Api> {
  const base = (o.server ?? process.env.YEYAK_URL ?? `http://localhost:${process.env.PORT ?? 8080}`).replace(
    /\/$/,
    '',
  );
  const api = new Api(base, o.token ?? process.env.YEYAK_TOKEN);
  await api.login(o);
  return api;
}

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

export const dateArg = (v: string) => {
  const d = normalizeDate(v);
  if (!d)
    throw new Error(
      t(`--date: "${v}"는 날짜가 아닙니다 (YYYY-MM-DD)`, `--date: "${v}" is not a date (YYYY-MM-DD)`),
    );
  return d;
};
export const timeArg = (name: string, v: string) => {
  const time = normalizeTime(v);
  if (!time)
    throw new Error(
      t(`--${name}: "${v}"는 시각이 아닙니다 (HH:mm)`, `--${name}: "${v}" is not a time (HH:mm)`),
    );
  return time;
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
  if (!names.length)
    throw new Error(
      t(
        `--types: ${TRAIN_GROUPS.join(', ')} 중 하나 이상을 써 주세요`,
        `--types: name at least one of ${TRAIN_GROUPS.join(', ')}`,
      ),
    );
  const out: TrainGroup[] = [];
  for (const n of names) {
    const g = GROUP_NAMES[n.toLowerCase()];
    if (!g)
      throw new Error(
        t(
          `--types: "${n}"는 열차 종류가 아닙니다 (${TRAIN_GROUPS.join(', ')})`,
          `--types: "${n}" is not a train type (${TRAIN_GROUPS.join(', ')})`,
        ),
      );
    if (!out.includes(g)) out.push(g);
  }
  return out;
}

export const withServer = (c: Command) =>
  c
    .option(
      '--server <url>',
      t(
        'yeyak 주소 (YEYAK_URL; 기본 http://localhost:$PORT)',
        'yeyak address (YEYAK_URL; default http://localhost:$PORT)',
      ),
    )
    .option('--token <token>', t('로그인 토큰 (YEYAK_TOKEN)', 'login token (YEYAK_TOKEN)'))
    .option(
      '--email <email>',
      t('이 계정으로 yeyak에 로그인 (YEYAK_EMAIL)', 'log in to yeyak with this account (YEYAK_EMAIL)'),
    )
    .option(
      '--password <password>',
      t('yeyak 비밀번호 (YEYAK_PASSWORD)', 'your yeyak password (YEYAK_PASSWORD)'),
    );

export const withTrip = (c: Command) =>
  c
    .requiredOption('--from <station>', t('출발역, 예: 수서', 'departure station, e.g. 수서'))
    .requiredOption('--to <station>', t('도착역, 예: 부산', 'arrival station, e.g. 부산'))
    .requiredOption('--date <date>', 'YYYY-MM-DD')
    .option('--provider <srt|korail>', t('운영사', 'operator'), 'srt')
    .option('--adults <n>', t('어른', 'adults'), '1')
    .option('--children <n>', t('어린이', 'children'), '0')
    .option('--seniors <n>', t('경로', 'seniors'), '0')
    .option(
      '--types <list>',
      t(
        `열차 종류, 쉼표로 (${TRAIN_GROUPS.join(', ')}; SRT는 SRT만); 기본 전부`,
        `train types, comma-separated (${TRAIN_GROUPS.join(', ')}; SRT runs only SRT); default all`,
      ),
    );

export const passengers = (o: { adults: string; children: string; seniors: string }) => ({
  adult: Number(o.adults),
  child: Number(o.children),
  senior: Number(o.seniors),
});
