import { type FormEvent, useEffect, useState } from 'react';
import type { SettingView } from '../../../../src/platform/settings/index.ts';
import { get, put } from '../../api.ts';
import { shortDateTime } from '../../format.ts';
import { type Lang, useI18n } from '../../i18n.tsx';
import { Badge, ErrorBox, Field, fieldErrors, Loading, useAction, useLoad } from '../../ui.tsx';
import { AdminTabs } from './AdminTabs.tsx';

// This page's words; kept here so the page is one file (admins only).
const words = {
  ko: {
    title: '설정',
    intro: '서버를 다시 시작하지 않고 바꾸는 값입니다. 저장하면 몇 초 안에 모든 서버에 적용됩니다.',
    save: '저장',
    saved: (n: number) => (n ? `설정 ${n}개를 저장했습니다.` : '바뀐 값이 없습니다.'),
    reset: '기본값으로',
    default: '기본값',
    usingDefault: '기본값 사용 중',
    changedBy: (who: string, when: string) => `${when}에 ${who}님이 바꿈`,
    public: '모두에게 보임',
    secret: '비밀 값',
    isSet: '저장되어 있음 (값은 보여 주지 않습니다)',
    notSet: '저장된 값 없음',
    newSecret: '새 값 (비워 두면 그대로)',
    empty: '(비어 있음)',
  },
  en: {
    title: 'Settings',
    intro:
      'Values you change without restarting the server. Once saved, every server uses them within seconds.',
    save: 'Save',
    saved: (n: number) => (n ? `${n} setting(s) saved.` : 'Nothing changed.'),
    reset: 'Back to default',
    default: 'Default',
    usingDefault: 'Using the default',
    changedBy: (who: string, when: string) => `Changed by ${who}, ${when}`,
    public: 'Shown to everyone',
    secret: 'Secret',
    isSet: 'Stored (never shown)',
    notSet: 'Not set',
    newSecret: 'New value (leave empty to keep)',
    empty: '(empty)',
  },
} satisfies Record<Lang, unknown>;

type Schema = { type?: string; minimum?: number; maximum?: number; maxLength?: number };
type List = { settings: SettingView[] };

const schemaOf = (s: SettingView) => (s.schema ?? {}) as Schema;
const isNumber = (s: SettingView) => ['integer', 'number'].includes(schemaOf(s).type ?? '');
const draftOf = (s: SettingView) => (s.access === 'secret' ? '' : String(s.value ?? ''));

/** What the form holds for a setting, as the server wants it (a number stays text when it is not one). */
function sentValue(s: SettingView, draft: string): unknown {
  if (schemaOf(s).type === 'boolean') return draft === 'true';
  if (isNumber(s) && draft.trim() !== '' && Number.isFinite(Number(draft))) return Number(draft);
  return draft;
}

export function AdminSettingsPage() {
  const { lang } = useI18n();
  const w = words[lang === 'ko' ? 'ko' : 'en'];
  const { data, error, loading, reload } = useLoad(() => get<List>('/api/admin/settings'), []);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<number>();
  const action = useAction();
  const errs = fieldErrors(action.error);
  useEffect(() => {
    document.title = `${w.title} · yeyak`;
  }, [w.title]);
  useEffect(() => {
    if (data) setDrafts(Object.fromEntries(data.settings.map((s) => [s.key, draftOf(s)])));
  }, [data]);

  const send = (body: { values?: Record<string, unknown>; reset?: string[] }) =>
    action.run(async () => {
      setSaved(undefined);
      const out = await put<List & { changed: string[] }>('/api/admin/settings', body);
      setSaved(out.changed.length);
      await reload();
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const values: Record<string, unknown> = {};
    for (const s of data?.settings ?? []) {
      const draft = drafts[s.key] ?? '';
      if (s.access === 'secret' ? draft !== '' : draft !== draftOf(s)) values[s.key] = sentValue(s, draft);
    }
    void send({ values });
  };

  if (loading && !data) return <Loading />;
  if (!data) return <ErrorBox error={error} onRetry={reload} />;
  return (
    <section className="admin-settings" data-testid="admin-settings">
      <AdminTabs />
      <div className="page-head">
        <h1>{w.title}</h1>
        <p className="muted small">{w.intro}</p>
      </div>
      {saved !== undefined && !action.error && (
        <p className="alert alert-success" role="status" data-testid="settings-saved">
          {w.saved(saved)}
        </p>
      )}
      <ErrorBox error={action.error} />
      <form className="card form settings-form" onSubmit={submit} noValidate>
        {data.settings.map((s) => {
          const schema = schemaOf(s);
          const draft = drafts[s.key] ?? '';
          const set = (v: string) => setDrafts((d) => ({ ...d, [s.key]: v }));
          const error = errs[`values.${s.key}`];
          const label = lang === 'ko' ? s.label.ko : s.label.en;
          return (
            <div key={s.key} className="setting" data-testid="setting" data-key={s.key}>
              <Field label={label} error={error}>
                {s.access === 'secret' ? (
                  <input
                    name={s.key}
                    type="password"
                    autoComplete="off"
                    placeholder={w.newSecret}
                    value={draft}
                    onChange={(e) => set(e.target.value)}
                  />
                ) : schema.type === 'boolean' ? (
                  <input
                    name={s.key}
                    type="checkbox"
                    checked={draft === 'true'}
                    onChange={(e) => set(String(e.target.checked))}
                  />
                ) : isNumber(s) ? (
                  <input
                    name={s.key}
                    type="number"
                    inputMode="numeric"
                    min={schema.minimum}
                    max={schema.maximum}
                    value={draft}
                    onChange={(e) => set(e.target.value)}
                  />
                ) : (schema.maxLength ?? 0) > 100 ? (
                  <textarea name={s.key} rows={2} value={draft} onChange={(e) => set(e.target.value)} />
                ) : (
                  <input name={s.key} value={draft} onChange={(e) => set(e.target.value)} />
                )}
              </Field>
              <div className="setting-meta muted small">
                <code>{s.key}</code>
                {s.access === 'public' && <Badge tone="blue">{w.public}</Badge>}
                {s.access === 'secret' && <Badge tone="amber">{w.secret}</Badge>}
                <span>
                  {s.access === 'secret'
                    ? s.isSet
                      ? w.isSet
                      : w.notSet
                    : `${w.default}: ${s.default === '' ? w.empty : String(s.default)}`}
                </span>
                <span>
                  {s.changed && s.updatedAt
                    ? w.changedBy(s.updatedBy ?? '?', shortDateTime(s.updatedAt, undefined, lang))
                    : w.usingDefault}
                </span>
                {s.changed && (
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    disabled={action.busy}
                    onClick={() => void send({ reset: [s.key] })}
                  >
                    {w.reset}
                  </button>
                )}
              </div>
            </div>
          );
        })}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            {w.save}
          </button>
        </div>
      </form>
    </section>
  );
}
