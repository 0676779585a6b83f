import { type FormEvent, useState } from 'react';
import type { RegistrationAttendeeView as Attendee } from '../../../../src/modules/registration/index.ts';
import { ApiError, download, get, post, put } from '../../api.ts';
import { Link, navigate } from '../../router.tsx';
import { Badge, ErrorBox, Field, fieldErrors, Loading, useAction, useLoad } from '../../ui.tsx';
import { type RegKey, type RegLang, useRegI18n } from './i18n.ts';

type Settings = {
  kktix?: { baseUrl: string; eventId: string };
  kktixCheck?: { state: 'ok' | 'untested'; at: string; message?: string };
  ticketsEventId?: string;
  deidentify?: { paidAt?: 'hour' | 'exact'; safeQuestions?: string[] };
  backfill?: boolean;
  venueLink?: string;
  timezone?: string;
  gather?: { enabled: boolean; baseUrl?: string; spaceId?: string; allowRemoval?: boolean };
  mail?: { enabled: boolean; subject?: string; template?: string; needsAttention?: string };
  discord?: { enabled: boolean };
  bigquery?: BigQuerySettings;
};
type BigQuerySettings = {
  projectId: string;
  datasetId: string;
  tableId: string;
  location?: string;
  apiEndpoint?: string;
};
type RegEvent = {
  id: string;
  slug: string;
  name: string;
  source: 'kktix' | 'tickets';
  pollMinutes: number;
  startsAt: string | null;
  discordGuildId: string | null;
  settings: Settings;
  secrets: { kktixToken: boolean; gatherApiKey: boolean; discordWebhookUrl: boolean };
  webhookPath: string | null;
  sync: {
    lastSyncAt: string | null;
    lastOkAt: string | null;
    nextSyncAt: string | null;
    lastError: string | null;
  };
  runs?: {
    id: number;
    trigger: string;
    ok: boolean;
    finishedAt: string;
    total: number;
    added: number;
    changed: number;
    refunded: number;
    requests: number;
    error: string | null;
  }[];
  status?: { ticketName: string; sold: number; total: number | 'unlimited' }[];
};
type SalesTable = {
  timezone: string;
  days: string[];
  rows: { ticketName: string; perDay: number[]; total: number }[];
};

const when = (iso: string | null, lang: RegLang) =>
  iso ? new Date(iso).toLocaleString(lang === 'zh-TW' ? 'zh-TW' : lang === 'ko' ? 'ko-KR' : 'en-GB') : null;

export function RegistrationListPage() {
  const { t, lang } = useRegI18n();
  const { data, error, loading, reload } = useLoad(
    () => get<{ events: RegEvent[] }>('/api/registration/events'),
    [],
  );
  return (
    <section className="registration-page">
      <div className="page-head row">
        <div>
          <h1>{t('title')}</h1>
          <div className="muted small">{t('subtitle')}</div>
        </div>
      </div>
      {loading && <Loading />}
      {error ? <ErrorBox error={error} onRetry={reload} /> : null}
      {data && data.events.length === 0 && <p className="empty">{t('empty')}</p>}
      {data && data.events.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="reg-list">
            <thead>
              <tr>
                <th>{t('slug')}</th>
                <th>{t('name')}</th>
                <th>{t('source')}</th>
                <th>{t('lastOk')}</th>
                <th>{t('lastError')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.events.map((e) => (
                <tr key={e.id}>
                  <td>
                    <code>{e.slug}</code>
                  </td>
                  <td>{e.name}</td>
                  <td>{t(`source.${e.source}` as RegKey)}</td>
                  <td>{when(e.sync.lastOkAt, lang) ?? t('never')}</td>
                  <td className="small">{e.sync.lastError ?? ''}</td>
                  <td>
                    <Link className="btn btn-small" to={`/registration/${e.id}`}>
                      {t('open')}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t('new')}</h2>
      <SettingsForm onSaved={(ev) => navigate(`/registration/${ev.id}`)} />
    </section>
  );
}

type FormState = {
  slug: string;
  name: string;
  source: 'kktix' | 'tickets';
  kktixBase: string;
  kktixEvent: string;
  kktixToken: string;
  ticketsEvent: string;
  poll: string;
  startsAt: string;
  venueLink: string;
  backfill: boolean;
  gather: boolean;
  gatherSpace: string;
  gatherKey: string;
  gatherBase: string;
  gatherRemoval: boolean;
  mail: boolean;
  mailSubject: string;
  mailTemplate: string;
  discord: boolean;
  discordHook: string;
  discordGuild: string;
  bq: boolean;
  bqProject: string;
  bqDataset: string;
  bqTable: string;
  bqLocation: string;
  bqEndpoint: string;
  exactPaidAt: boolean;
  safeQuestions: string[];
};

/** A yeyak event the organiser may connect, as /api/organizer/events lists it. */
type OwnEvent = { id: string; code: string; title: string; showtimes: { startsAt: string }[] };
type ExportColumns = { questions: string[]; columns: { source: string; column: string }[] };

function initial(ev?: RegEvent): FormState {
  const s = ev?.settings ?? {};
  return {
    slug: ev?.slug ?? '',
    name: ev?.name ?? '',
    source: ev?.source ?? 'kktix',
    kktixBase: s.kktix?.baseUrl ?? 'https://kktix.com/api/v2',
    kktixEvent: s.kktix?.eventId ?? '',
    kktixToken: '',
    ticketsEvent: s.ticketsEventId ?? '',
    poll: String(ev?.pollMinutes ?? 3),
    startsAt: ev?.startsAt ? ev.startsAt.slice(0, 16) : '',
    venueLink: s.venueLink ?? '',
    backfill: s.backfill ?? false,
    gather: s.gather?.enabled ?? false,
    gatherSpace: s.gather?.spaceId ?? '',
    gatherKey: '',
    gatherBase: s.gather?.baseUrl ?? '',
    gatherRemoval: s.gather?.allowRemoval ?? false,
    mail: s.mail?.enabled ?? true,
    mailSubject: s.mail?.subject ?? '',
    mailTemplate: s.mail?.template ?? '',
    discord: s.discord?.enabled ?? false,
    discordHook: '',
    discordGuild: ev?.discordGuildId ?? '',
    bq: Boolean(s.bigquery),
    bqProject: s.bigquery?.projectId ?? '',
    bqDataset: s.bigquery?.datasetId ?? '',
    bqTable: s.bigquery?.tableId ?? '',
    bqLocation: s.bigquery?.location ?? '',
    bqEndpoint: s.bigquery?.apiEndpoint ?? '',
    exactPaidAt: s.deidentify?.paidAt === 'exact',
    safeQuestions: s.deidentify?.safeQuestions ?? [],
  };
}

function SettingsForm({ event, onSaved }: { event?: RegEvent; onSaved: (ev: RegEvent) => void }) {
  const { t } = useRegI18n();
  const [f, setF] = useState<FormState>(() => initial(event));
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  // The organiser's own events to pick from, and the form questions to mark safe.
  const own = useLoad(() => get<{ events: OwnEvent[] }>('/api/organizer/events'), []);
  const cols = useLoad(
    async () =>
      event ? get<ExportColumns>(`/api/registration/events/${event.id}/bigquery/columns`) : undefined,
    [event?.id],
  );
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((x) => ({ ...x, [k]: v }));
  const errs = fieldErrors(error);
  const err = (path: string) =>
    Object.entries(errs).find(([k]) => k === `body.${path}` || k.startsWith(`body.${path}.`))?.[1];
  const text = (
    k: keyof FormState,
    label: RegKey,
    opts: { type?: string; hint?: string; path?: string } = {},
  ) => (
    <Field label={t(label)} error={err(opts.path ?? String(k))} hint={opts.hint}>
      <input
        name={k}
        type={opts.type ?? 'text'}
        value={String(f[k])}
        onChange={(e) => set(k, e.target.value as never)}
      />
    </Field>
  );
  const check = (k: keyof FormState, label: RegKey) => (
    <label className="check" style={{ display: 'flex', gap: 8, alignItems: 'center', margin: '6px 0' }}>
      <input
        name={k}
        type="checkbox"
        style={{ width: 'auto', margin: 0 }}
        checked={Boolean(f[k])}
        onChange={(e) => set(k, e.target.checked as never)}
      />{' '}
      {t(label)}
    </label>
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const body = {
      slug: f.slug.trim(),
      name: f.name.trim(),
      source: f.source,
      ...(f.source === 'kktix'
        ? {
            kktix: {
              baseUrl: f.kktixBase.trim(),
              eventId: f.kktixEvent.trim(),
              ...(f.kktixToken ? { token: f.kktixToken } : {}),
            },
          }
        : { ticketsEventId: f.ticketsEvent.trim() }),
      pollMinutes: Number(f.poll),
      startsAt: f.startsAt ? new Date(f.startsAt).toISOString() : null,
      venueLink: f.venueLink.trim() || null,
      backfill: f.backfill,
      gather: {
        enabled: f.gather,
        ...(f.gatherSpace ? { spaceId: f.gatherSpace.trim() } : {}),
        ...(f.gatherKey ? { apiKey: f.gatherKey.trim() } : {}),
        ...(f.gatherBase ? { baseUrl: f.gatherBase.trim() } : {}),
        allowRemoval: f.gatherRemoval,
      },
      mail: {
        enabled: f.mail,
        ...(f.mailSubject ? { subject: f.mailSubject } : {}),
        ...(f.mailTemplate ? { template: f.mailTemplate } : {}),
      },
      discord: { enabled: f.discord, ...(f.discordHook ? { webhookUrl: f.discordHook.trim() } : {}) },
      discordGuildId: f.discordGuild.trim() || null,
      // Unticked clears the export target; the server checks every field and names the bad one.
      bigquery: f.bq
        ? {
            projectId: f.bqProject.trim(),
            datasetId: f.bqDataset.trim(),
            tableId: f.bqTable.trim(),
            ...(f.bqLocation.trim() ? { location: f.bqLocation.trim() } : {}),
            ...(f.bqEndpoint.trim() ? { apiEndpoint: f.bqEndpoint.trim() } : {}),
          }
        : null,
      deidentify: { paidAt: f.exactPaidAt ? 'exact' : 'hour', safeQuestions: f.safeQuestions },
    };
    await run(async () => {
      const res = event
        ? await put<{ event: RegEvent }>(`/api/registration/events/${event.id}`, body)
        : await post<{ event: RegEvent }>('/api/registration/events', body);
      setSaved(true);
      onSaved(res.event);
    });
  };
  // A stored secret is never shown back: only whether one is set (nothing to say on a new event).
  const secretHint = (has: boolean | undefined) => (!event ? undefined : has ? t('keepSecret') : t('notSet'));

  return (
    <form className="form card reg-form" onSubmit={submit} noValidate data-testid="reg-form">
      <div className="grid-2">
        {text('slug', 'slug')}
        {text('name', 'name')}
      </div>
      <Field label={t('source')}>
        <select
          name="source"
          value={f.source}
          disabled={Boolean(event)}
          onChange={(e) => set('source', e.target.value as FormState['source'])}
        >
          <option value="kktix">{t('source.kktix')}</option>
          <option value="tickets">{t('source.tickets')}</option>
        </select>
      </Field>
      {f.source === 'kktix' ? (
        <div className="grid-2">
          {text('kktixBase', 'kktixBase', { path: 'kktix.baseUrl' })}
          {text('kktixEvent', 'kktixEvent', { path: 'kktix.eventId' })}
          {text('kktixToken', 'kktixToken', {
            type: 'password',
            path: 'kktix.token',
            hint: secretHint(event?.secrets.kktixToken),
          })}
          {text('poll', 'poll', { type: 'number', path: 'pollMinutes' })}
        </div>
      ) : (
        <Field label={t('ticketsEvent')} error={err('ticketsEventId')}>
          {own.data && own.data.events.length === 0 ? (
            <p className="muted small">{t('noEventsToPick')}</p>
          ) : (
            <select
              name="ticketsEvent"
              value={f.ticketsEvent}
              onChange={(e) => set('ticketsEvent', e.target.value)}
            >
              <option value="">{t('pickEvent')}</option>
              {own.data?.events.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.title} · {e.code}
                  {e.showtimes[0] ? ` · ${e.showtimes[0].startsAt.slice(0, 10)}` : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <div className="grid-2">
        {text('startsAt', 'startsAt', { type: 'datetime-local' })}
        {text('venueLink', 'venueLink')}
      </div>
      {check('backfill', 'backfill')}
      <h3>{t('actions')}</h3>
      {check('gather', 'gather')}
      {f.gather && (
        <div className="grid-2">
          {text('gatherSpace', 'gatherSpace', { path: 'gather' })}
          {text('gatherKey', 'gatherKey', {
            type: 'password',
            path: 'gather',
            hint: secretHint(event?.secrets.gatherApiKey),
          })}
          {text('gatherBase', 'gatherBase', { path: 'gather.baseUrl' })}
          {check('gatherRemoval', 'gatherRemoval')}
        </div>
      )}
      {check('mail', 'mail')}
      {f.mail && (
        <>
          {event?.settings.mail?.needsAttention && (
            <div className="alert alert-error" role="alert" data-testid="reg-mail-attention">
              {t('mailNeedsAttention')}
            </div>
          )}
          {text('mailSubject', 'mailSubject', { path: 'mail.subject' })}
          <Field label={t('mailTemplate')} error={err('mail.template')} hint={t('mailTemplateHint')}>
            <textarea
              name="mailTemplate"
              rows={5}
              value={f.mailTemplate}
              onChange={(e) => set('mailTemplate', e.target.value)}
            />
          </Field>
        </>
      )}
      {check('discord', 'discord')}
      {f.discord &&
        text('discordHook', 'discordHook', {
          type: 'password',
          path: 'discord.webhookUrl',
          hint: secretHint(event?.secrets.discordWebhookUrl),
        })}
      {text('discordGuild', 'discordGuild', { path: 'discordGuildId', hint: t('discordGuildHint') })}
      <h3>{t('bqSection')}</h3>
      {check('bq', 'bq')}
      {f.bq && (
        <div className="grid-2" data-testid="reg-bq-settings">
          {text('bqProject', 'bqProject', { path: 'bigquery.projectId' })}
          {text('bqDataset', 'bqDataset', { path: 'bigquery.datasetId' })}
          {text('bqTable', 'bqTable', { path: 'bigquery.tableId' })}
          {text('bqLocation', 'bqLocation', { path: 'bigquery.location' })}
          {text('bqEndpoint', 'bqEndpoint', { path: 'bigquery.apiEndpoint', hint: t('bqEndpointHint') })}
          <p className="muted small" style={{ alignSelf: 'center' }}>
            {t('bqCredentials')}
          </p>
        </div>
      )}
      <h3>{t('privacy')}</h3>
      {check('exactPaidAt', 'exactPaidAt')}
      {event && (
        <fieldset className="reg-safe" data-testid="reg-safe-questions">
          <legend className="small">{t('safeQuestions')}</legend>
          {cols.data?.questions.length ? (
            cols.data.questions.map((q) => (
              <label key={q} className="check" style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
                <input
                  type="checkbox"
                  style={{ width: 'auto', margin: 0 }}
                  checked={f.safeQuestions.includes(q)}
                  onChange={(e) =>
                    set(
                      'safeQuestions',
                      e.target.checked ? [...f.safeQuestions, q] : f.safeQuestions.filter((x) => x !== q),
                    )
                  }
                />
                <span style={{ overflowWrap: 'anywhere' }}>{q}</span>
              </label>
            ))
          ) : (
            <p className="muted small">{t('noQuestions')}</p>
          )}
        </fieldset>
      )}
      {error && !(error instanceof ApiError && error.status === 400) ? <ErrorBox error={error} /> : null}
      {error instanceof ApiError && error.status === 400 && (
        <div className="alert alert-error" role="alert">
          {error.message}
        </div>
      )}
      {saved && <div className="alert alert-success">{t('saved')}</div>}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('save')}
        </button>
      </div>
    </form>
  );
}

/** The export target and a button that runs the load job, with its result or error in place. */
function BigQueryCard({ eventId, target }: { eventId: string; target?: BigQuerySettings }) {
  const { t } = useRegI18n();
  const { busy, error, run } = useAction();
  const [result, setResult] = useState<{ outputRows: number; jobId: string }>();
  const cols = useLoad(
    () => get<ExportColumns>(`/api/registration/events/${eventId}/bigquery/columns`),
    [eventId, target?.tableId],
  );
  const table = target ? `${target.projectId}.${target.datasetId}.${target.tableId}` : '';
  const load = async () => {
    setResult(undefined);
    await run(async () => {
      const r = await post<{ load: { outputRows: number; jobId: string } }>(
        `/api/registration/events/${eventId}/export/bigquery`,
      );
      setResult(r.load);
    });
  };
  return (
    <div className="card" data-testid="reg-bigquery">
      <h2>{t('bqSection')}</h2>
      {!target ? (
        <p className="muted">{t('bqNotSet')}</p>
      ) : (
        <>
          <p className="small">
            {t('bqTarget')}: <code>{table}</code>
            {target.location ? ` · ${target.location}` : ''}
            {target.apiEndpoint ? (
              <>
                {' '}
                · {t('bqEndpoint')}: <code>{target.apiEndpoint}</code>
              </>
            ) : null}
          </p>
          <div className="actions">
            <button type="button" className="btn btn-small" disabled={busy} onClick={load}>
              ⇪ {busy ? t('bqLoading') : t('bigquery')}
            </button>
          </div>
          {result && (
            <div className="alert alert-success" role="status" data-testid="reg-bigquery-result">
              {t('loaded', { n: result.outputRows, table, job: result.jobId })}
            </div>
          )}
          {error ? <ErrorBox error={error} /> : null}
          {cols.data && cols.data.columns.length > 0 && (
            <details data-testid="reg-bq-columns">
              <summary className="small">{t('bqColumns')}</summary>
              <div className="table-wrap">
                <table className="table small">
                  <thead>
                    <tr>
                      <th>{t('bqSource')}</th>
                      <th>{t('bqColumn')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {cols.data.columns.map((c) => (
                      <tr key={c.source}>
                        <td style={{ overflowWrap: 'anywhere' }}>{c.source}</td>
                        <td style={{ overflowWrap: 'anywhere' }}>
                          <code>{c.column}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          )}
        </>
      )}
    </div>
  );
}

const tone = (status: string) =>
  status === 'done' ? 'green' : status === 'failed' ? 'red' : status === 'skipped' ? 'gray' : 'amber';

export function RegistrationEventPage({ id }: { id: string }) {
  const { t, lang } = useRegI18n();
  const [actionError, setActionError] = useState<unknown>();
  const [testing, setTesting] = useState(false);
  const { data, error, loading, reload } = useLoad(async () => {
    const [ev, list, sales] = await Promise.all([
      get<{ event: RegEvent }>(`/api/registration/events/${id}`),
      get<{ attendees: Attendee[]; total: number }>(`/api/registration/events/${id}/attendees?limit=200`),
      get<{ sales: SalesTable }>(`/api/registration/events/${id}/sales`),
    ]);
    return { event: ev.event, attendees: list.attendees, total: list.total, sales: sales.sales };
  }, [id]);
  if (loading && !data) return <Loading />;
  if (!data) return <ErrorBox error={error} onRetry={reload} />;
  const { event, attendees, sales } = data;
  const run = async (fn: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await fn();
      reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const dl = (q: string, name: string) =>
    run(() => download(`/api/registration/events/${id}/export?${q}`, `${event.slug}-${name}`));

  return (
    <section className="registration-page">
      <div className="page-head row">
        <div>
          <Link to="/registration" className="small">
            ← {t('back')}
          </Link>
          <h1>
            {event.name} <code className="small">{event.slug}</code>
          </h1>
          <div className="muted small">{t(`source.${event.source}` as RegKey)}</div>
        </div>
      </div>
      {actionError ? <ErrorBox error={actionError} /> : null}

      <div className="card" data-testid="reg-sync">
        <div className="row">
          <h2>{t('sync')}</h2>
          {event.source === 'kktix' && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => run(() => post(`/api/registration/events/${id}/sync`))}
            >
              ↻ {t('syncNow')}
            </button>
          )}
        </div>
        <div className="stats">
          <div className="stat">
            <div className="stat-value" style={{ fontSize: 15 }}>
              {when(event.sync.lastSyncAt, lang) ?? t('never')}
            </div>
            <div className="stat-label">{t('lastSync')}</div>
          </div>
          <div className="stat">
            <div className="stat-value" style={{ fontSize: 15 }}>
              {when(event.sync.lastOkAt, lang) ?? t('never')}
            </div>
            <div className="stat-label">{t('lastOk')}</div>
          </div>
          <div className="stat">
            <div className="stat-value" style={{ fontSize: 15 }}>
              {when(event.sync.nextSyncAt, lang) ?? '—'}
            </div>
            <div className="stat-label">{t('nextSync')}</div>
          </div>
          <div className="stat">
            <div className="stat-value">{data.total}</div>
            <div className="stat-label">{t('attendee')}</div>
          </div>
        </div>
        {event.source === 'kktix' && event.settings.kktixCheck && (
          <div
            className={`alert ${event.settings.kktixCheck.state === 'ok' ? 'alert-success' : 'alert-error'} row`}
            role="status"
            data-testid="reg-check"
          >
            <span>
              {event.settings.kktixCheck.state === 'ok'
                ? t('check.ok', { at: when(event.settings.kktixCheck.at, lang) ?? '' })
                : t('check.untested', { message: event.settings.kktixCheck.message ?? '' })}
            </span>
            <button
              type="button"
              className="btn btn-small"
              disabled={testing}
              onClick={async () => {
                setTesting(true);
                await run(() => post(`/api/registration/events/${id}/test`));
                setTesting(false);
              }}
            >
              {testing ? t('testing') : t('testNow')}
            </button>
          </div>
        )}
        {event.sync.lastError && (
          <div className="alert alert-error" role="alert">
            {t('lastError')}: {event.sync.lastError}
          </div>
        )}
        {event.webhookPath && (
          <p className="small">
            {t('webhook')}: <code>{location.origin + event.webhookPath}</code>
            <br />
            <span className="muted">{t('webhookHint')}</span>
          </p>
        )}
        {event.runs && event.runs.length > 0 && (
          <div className="table-wrap">
            <table className="table small">
              <thead>
                <tr>
                  <th>{t('lastSync')}</th>
                  <th>{t('trigger')}</th>
                  <th className="num">{t('total')}</th>
                  <th className="num">{t('added')}</th>
                  <th className="num">{t('changed')}</th>
                  <th className="num">{t('refunded')}</th>
                  <th className="num">{t('requests')}</th>
                  <th>{t('lastError')}</th>
                </tr>
              </thead>
              <tbody>
                {event.runs.slice(0, 5).map((r) => (
                  <tr key={r.id}>
                    <td>{when(r.finishedAt, lang)}</td>
                    <td>{r.trigger}</td>
                    <td className="num">{r.total}</td>
                    <td className="num">{r.added}</td>
                    <td className="num">{r.changed}</td>
                    <td className="num">{r.refunded}</td>
                    <td className="num">{r.requests}</td>
                    <td>{r.ok ? <Badge tone="green">ok</Badge> : <Badge tone="red">{r.error}</Badge>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>

      <div className="card" data-testid="reg-sales">
        <h2>{t('sales')}</h2>
        {event.status && event.status.length > 0 && (
          <p className="small">
            {event.status.map((s) => (
              <span key={s.ticketName} style={{ marginRight: 6 }}>
                <Badge tone="blue">
                  {s.ticketName}: {s.sold} / {s.total === 'unlimited' ? t('unlimited') : s.total}
                </Badge>
              </span>
            ))}
          </p>
        )}
        {sales.rows.length === 0 ? (
          <p className="empty">{t('noSales')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>{t('ticket')}</th>
                  {sales.days.map((d) => (
                    <th key={d} className="num">
                      {d.slice(5)}
                    </th>
                  ))}
                  <th className="num">{t('total')}</th>
                </tr>
              </thead>
              <tbody>
                {sales.rows.map((r) => (
                  <tr key={r.ticketName}>
                    <td>{r.ticketName}</td>
                    {r.perDay.map((n, i) => (
                      <td key={sales.days[i]} className="num">
                        {n}
                      </td>
                    ))}
                    <td className="num">
                      <b>{r.total}</b>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="actions">
          <span className="muted small">{t('export')}:</span>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => dl('format=csv', 'deidentified.csv')}
          >
            ⬇ {t('csv')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => dl('format=ndjson', 'deidentified.ndjson')}
          >
            ⬇ {t('ndjson')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => dl('format=csv&kind=raw', 'raw.csv')}
          >
            ⬇ {t('rawCsv')}
          </button>
        </div>
      </div>

      <BigQueryCard eventId={id} target={event.settings.bigquery} />

      <div className="card" data-testid="reg-attendees">
        <h2>{t('attendees')}</h2>
        <div className="table-wrap">
          <table className="table small">
            <thead>
              <tr>
                <th>{t('attendee')}</th>
                <th>{t('email')}</th>
                <th>{t('ticket')}</th>
                <th>{t('paidAt')}</th>
                <th>{t('state')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {attendees.map((a) => {
                const failed = a.actions.some((x) => x.status === 'failed' || x.status === 'pending');
                return (
                  <tr key={a.id} data-testid="reg-attendee">
                    <td>
                      {a.name ?? '—'}
                      {a.quantity > 1 ? ` ×${a.quantity}` : ''}{' '}
                      {a.admission !== null && (
                        <span className="muted small" title={t('admission')}>
                          #{a.admission}
                        </span>
                      )}{' '}
                      {!a.active && <Badge tone="gray">{t('refundedState')}</Badge>}
                    </td>
                    <td>{a.email}</td>
                    <td>{a.ticketName}</td>
                    <td>{when(a.paidAt, lang)}</td>
                    <td style={{ whiteSpace: 'normal', maxWidth: 360 }}>
                      {a.actions.map((x) => (
                        <span
                          key={`${x.admission}-${x.action}`}
                          title={x.lastError ?? ''}
                          style={{ display: 'inline-block', margin: '1px 0' }}
                        >
                          <Badge tone={x.admission === a.admission ? tone(x.status) : 'gray'}>
                            {x.admission !== a.admission ? `#${x.admission} ` : ''}
                            {t(`action.${x.action}` as RegKey)} {t(`actionStatus.${x.status}` as RegKey)}
                            {x.attempts > 1 ? ` ×${x.attempts}` : ''}
                          </Badge>{' '}
                        </span>
                      ))}
                      {a.actions
                        .filter((x) => x.lastError && x.status === 'failed')
                        .map((x) => (
                          <div
                            key={`${x.admission}-${x.action}`}
                            className="field-error"
                            style={{ overflowWrap: 'anywhere' }}
                          >
                            {x.lastError}
                          </div>
                        ))}
                    </td>
                    <td>
                      {failed && (
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() =>
                            run(() =>
                              post(
                                `/api/registration/events/${id}/attendees/${encodeURIComponent(a.id)}/retry`,
                              ),
                            )
                          }
                        >
                          {t('retry')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>

      <h2>{t('settings')}</h2>
      <SettingsForm key={event.id} event={event} onSaved={() => reload()} />
    </section>
  );
}
