import { type FormEvent, useState } from 'react';
import { ApiError, type EventView, get, post, put } from '../../api.ts';
import { ErrorBox, Field, fieldErrors, useAction, useLoad } from '../../ui.tsx';
import { type RegKey, useRegI18n } from './i18n.ts';
import type { ExportColumns, RegEvent, RegEventDetail } from './types.ts';

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

function initial(ev?: RegEvent): FormState {
  const s: Partial<RegEvent['settings']> = ev?.settings ?? {};
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

/** A registration's settings: new (no event) or changed; saving answers with the event page's data. */
/** The showtime's date on the event's own calendar (YYYY-MM-DD), not UTC's. */
const eventDate = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(iso),
  );

export function SettingsForm({
  event,
  onSaved,
}: {
  event?: RegEvent;
  onSaved: (ev: RegEventDetail) => void;
}) {
  const { t } = useRegI18n();
  const [f, setF] = useState<FormState>(() => initial(event));
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  // The organiser's own events to pick from, and the form questions to mark safe.
  const own = useLoad(() => get<{ events: EventView[] }>('/api/organizer/events'), []);
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
        ? await put<{ event: RegEventDetail }>(`/api/registration/events/${event.id}`, body)
        : await post<{ event: RegEventDetail }>('/api/registration/events', body);
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
                  {e.showtimes[0] ? ` · ${eventDate(e.showtimes[0].startsAt, e.timezone)}` : ''}
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
