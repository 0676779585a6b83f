import { type FormEvent, useEffect, useState } from 'react';
import type { LogRow } from '../../../../src/platform/serverlog/index.ts';
import { get } from '../../api.ts';
import { shortDateTime } from '../../format.ts';
import { type Lang, useI18n } from '../../i18n.tsx';
import { Badge, ErrorBox, Field, fieldErrors, Loading, useAction } from '../../ui.tsx';
import { AdminTabs } from './AdminTabs.tsx';

// This page's words; kept here so the page is one file (admins only).
const words = {
  ko: {
    title: '서버 로그',
    intro:
      '5xx 응답, 실패한 작업, 전달 실패, 거부된 서명, 관리자의 변경이 남습니다. 보관 기간은 설정에서 바꿉니다.',
    level: '수준',
    any: '전체',
    source: '출처',
    actor: '한 사람 (이메일)',
    words: '단어',
    from: '부터',
    to: '까지',
    search: '찾기',
    empty: '맞는 기록이 없습니다.',
    more: '이전 기록 더 보기',
    details: '자세히',
    by: '처리한 사람',
    levels: { error: '오류', warn: '경고', info: '정보' },
  },
  en: {
    title: 'Server log',
    intro:
      '5xx answers, failed jobs, dead letters, refused signatures and admin changes. Change how long rows stay in Settings.',
    level: 'Level',
    any: 'Any',
    source: 'Source',
    actor: 'Person (e-mail)',
    words: 'Words',
    from: 'From',
    to: 'To',
    search: 'Search',
    empty: 'No rows match.',
    more: 'Show older rows',
    details: 'Details',
    by: 'By',
    levels: { error: 'error', warn: 'warning', info: 'info' },
  },
} satisfies Record<Lang, unknown>;

type Filters = { level: string; source: string; actor: string; q: string; from: string; to: string };
type Page = { rows: LogRow[]; nextBefore: number | null };
const noFilters: Filters = { level: '', source: '', actor: '', q: '', from: '', to: '' };
const tone = { error: 'red', warn: 'amber', info: 'gray' } as const;

/** The query string of a search: empty filters left out, local date-times sent as ISO. */
function queryOf(f: Filters, before?: number): string {
  const p = new URLSearchParams();
  for (const k of ['level', 'source', 'actor', 'q'] as const) if (f[k].trim()) p.set(k, f[k].trim());
  for (const k of ['from', 'to'] as const) {
    const d = f[k] ? new Date(f[k]) : undefined;
    if (d && !Number.isNaN(d.getTime())) p.set(k, d.toISOString());
  }
  if (before) p.set('before', String(before));
  return p.toString();
}

export function AdminLogPage() {
  const { lang } = useI18n();
  const w = words[lang === 'ko' ? 'ko' : 'en'];
  const [form, setForm] = useState<Filters>(noFilters);
  const [rows, setRows] = useState<LogRow[]>();
  const [next, setNext] = useState<number | null>(null);
  const action = useAction();
  const errs = fieldErrors(action.error);
  const load = (f: Filters, before?: number) =>
    action.run(async () => {
      const page = await get<Page>(`/api/admin/log?${queryOf(f, before)}`);
      setRows((old) => (before ? [...(old ?? []), ...page.rows] : page.rows));
      setNext(page.nextBefore);
    });
  // The first page, once, on arrival.
  useEffect(() => {
    void load(noFilters);
  }, []);
  useEffect(() => {
    document.title = `${w.title} · yeyak`;
  }, [w.title]);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void load(form);
  };
  return (
    <section className="admin-log" data-testid="admin-log">
      <AdminTabs />
      <div className="page-head">
        <h1>{w.title}</h1>
        <p className="muted small">{w.intro}</p>
      </div>
      <form className="card form log-filters" onSubmit={submit} noValidate>
        <div className="grid-3">
          <Field label={w.level}>
            <select name="level" value={form.level} onChange={set('level')}>
              <option value="">{w.any}</option>
              {(['error', 'warn', 'info'] as const).map((l) => (
                <option key={l} value={l}>
                  {w.levels[l]}
                </option>
              ))}
            </select>
          </Field>
          <Field label={w.source} error={errs['querystring.source']}>
            <input
              name="source"
              value={form.source}
              onChange={set('source')}
              placeholder="http, jobs, admin…"
            />
          </Field>
          <Field label={w.actor} error={errs['querystring.actor']}>
            <input name="actor" type="email" value={form.actor} onChange={set('actor')} />
          </Field>
          <Field label={w.words} error={errs['querystring.q']}>
            <input name="q" type="search" value={form.q} onChange={set('q')} />
          </Field>
          <Field label={w.from} error={errs['querystring.from']}>
            <input name="from" type="datetime-local" value={form.from} onChange={set('from')} />
          </Field>
          <Field label={w.to} error={errs['querystring.to']}>
            <input name="to" type="datetime-local" value={form.to} onChange={set('to')} />
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            {w.search}
          </button>
        </div>
      </form>
      <ErrorBox error={action.error} />
      {rows === undefined && action.busy && <Loading />}
      {rows?.length === 0 && <p className="empty">{w.empty}</p>}
      <ul className="log-rows">
        {rows?.map((r) => (
          <li key={r.id} className="card log-row" data-testid="log-row">
            <div className="log-head">
              <Badge tone={tone[r.level]}>{w.levels[r.level]}</Badge>
              <code>{r.source}</code>
              <span className="muted small">{shortDateTime(r.at, undefined, lang)}</span>
            </div>
            <p className="log-message">{r.message}</p>
            {r.actorEmail && (
              <p className="muted small">
                {w.by}: {r.actorEmail}
              </p>
            )}
            {r.data && (
              <details>
                <summary>{w.details}</summary>
                <pre className="log-data">{JSON.stringify(r.data, null, 2)}</pre>
              </details>
            )}
          </li>
        ))}
      </ul>
      {next !== null && (
        <button type="button" className="btn" disabled={action.busy} onClick={() => void load(form, next)}>
          {w.more}
        </button>
      )}
    </section>
  );
}
