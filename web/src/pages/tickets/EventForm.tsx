/** Creating or editing an event: its details, showtimes and their ticket types. */
import { type FormEvent, useState } from 'react';
import { ApiError, type EventView, get, post, put } from '../../api.ts';
import { isoToLocalInput, isValidTimeZone, localInputToIso, won } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { serverMessage } from '../../messages.ts';
import { Link, navigate } from '../../router.tsx';
import { ErrorBox, Field, fieldErrors, Loading, PageTitle, useAction, useLoad } from '../../ui.tsx';
import { type FileView, ImageUpload, Picture } from '../../upload.tsx';

type TicketTypeForm = { key: number; id?: string; name: string; price: string; quota: string; sold: number };
type ShowtimeForm = { key: number; id?: string; local: string; ticketTypes: TicketTypeForm[] };
type EventForm = {
  code: string;
  title: string;
  posterUrl: string;
  venue: string;
  description: string;
  timezone: string;
  showtimes: ShowtimeForm[];
};

let keys = 0;
const nextKey = () => ++keys;

const newTicketType = (): TicketTypeForm => ({ key: nextKey(), name: '', price: '', quota: '', sold: 0 });
const newShowtime = (): ShowtimeForm => ({ key: nextKey(), local: '', ticketTypes: [newTicketType()] });

function fromEvent(e: EventView): EventForm {
  return {
    code: e.code,
    title: e.title,
    posterUrl: e.posterUrl ?? '',
    venue: e.venue ?? '',
    description: e.description ?? '',
    timezone: e.timezone,
    showtimes: e.showtimes.map((s) => ({
      key: nextKey(),
      id: s.id,
      local: isoToLocalInput(s.startsAt, e.timezone),
      ticketTypes: s.ticketTypes.map((tt) => ({
        key: nextKey(),
        id: tt.id,
        name: tt.name,
        price: String(tt.price),
        quota: String(tt.quota),
        sold: tt.sold,
      })),
    })),
  };
}

const TIME_ZONES = [
  'Asia/Seoul',
  'Asia/Tokyo',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'UTC',
];

function toNumber(s: string): number | string {
  const n = Number(s.replace(/[,\s원₩]/g, ''));
  return s.trim() !== '' && Number.isFinite(n) ? n : s;
}

function EventFormView({ initial, eventId }: { initial: EventForm; eventId?: string }) {
  const { t, lang } = useI18n();
  const [form, setForm] = useState<EventForm>(initial);
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const [poster, setPoster] = useState<FileView>();
  const errs = fieldErrors(error);
  const tz = form.timezone.trim() || 'Asia/Seoul';

  const set = (patch: Partial<EventForm>) => {
    setSaved(false);
    setForm((f) => ({ ...f, ...patch }));
  };
  const setShowtime = (i: number, patch: Partial<ShowtimeForm>) =>
    set({ showtimes: form.showtimes.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const setTicketType = (i: number, k: number, patch: Partial<TicketTypeForm>) =>
    setShowtime(i, {
      ticketTypes: form.showtimes[i].ticketTypes.map((x, j) => (j === k ? { ...x, ...patch } : x)),
    });

  const body = () => ({
    code: form.code.trim(),
    title: form.title.trim(),
    posterUrl: form.posterUrl.trim() || null,
    venue: form.venue.trim() || null,
    description: form.description.trim() || null,
    timezone: tz,
    showtimes: form.showtimes.map((s) => ({
      ...(s.id ? { id: s.id } : {}),
      startsAt: localInputToIso(s.local, tz) ?? s.local,
      ticketTypes: s.ticketTypes.map((x) => ({
        ...(x.id ? { id: x.id } : {}),
        name: x.name.trim(),
        price: toNumber(x.price),
        quota: toNumber(x.quota),
      })),
    })),
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      if (eventId) {
        const d = await put<{ event: EventView }>(`/api/events/${eventId}`, body());
        setForm(fromEvent(d.event));
        setSaved(true);
      } else {
        await post<{ event: EventView }>('/api/events', body());
        navigate('/organizer');
      }
    });
  };

  const err = (path: string) => errs[`body.${path}`];
  const known = new Set(
    ['code', 'timezone', 'title', 'venue', 'posterUrl', 'description', 'showtimes'].map((p) => `body.${p}`),
  );
  form.showtimes.forEach((s, i) => {
    known.add(`body.showtimes.${i}.startsAt`);
    s.ticketTypes.forEach((_, k) => {
      for (const f of ['name', 'price', 'quota']) known.add(`body.showtimes.${i}.ticketTypes.${k}.${f}`);
    });
  });
  const unmatched = Object.keys(errs).filter((p) => !known.has(p));
  const offset = localInputToIso('2026-01-01T00:00', tz)?.slice(-6);

  return (
    <form className="form event-form" onSubmit={submit} noValidate>
      <div className="grid-2">
        <Field label={t('org.code')} hint={t('org.codeHint')} error={err('code')}>
          <input
            name="code"
            data-path="body.code"
            value={form.code}
            onChange={(e) => set({ code: e.target.value })}
            required
          />
        </Field>
        <Field label={t('org.timezone')} error={err('timezone') ?? (isValidTimeZone(tz) ? undefined : '?')}>
          <input
            name="timezone"
            data-path="body.timezone"
            list="time-zones"
            value={form.timezone}
            onChange={(e) => set({ timezone: e.target.value })}
          />
          <datalist id="time-zones">
            {TIME_ZONES.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </Field>
      </div>
      <Field label={t('org.eventTitle')} error={err('title')}>
        <input
          name="title"
          data-path="body.title"
          value={form.title}
          onChange={(e) => set({ title: e.target.value })}
          required
        />
      </Field>
      <div className="grid-2">
        <Field label={t('org.venue')} error={err('venue')}>
          <input
            name="venue"
            data-path="body.venue"
            value={form.venue}
            onChange={(e) => set({ venue: e.target.value })}
          />
        </Field>
        <Field label={t('org.posterUrl')} error={err('posterUrl')}>
          <input
            name="posterUrl"
            data-path="body.posterUrl"
            type="url"
            placeholder="https://…"
            value={form.posterUrl}
            onChange={(e) => set({ posterUrl: e.target.value })}
          />
          {/* An uploaded poster is kept by its address like a typed one (the server keeps the file). */}
          <ImageUpload
            purpose="poster"
            hasImage={Boolean(form.posterUrl)}
            onUploaded={(file) => {
              setPoster(file);
              set({ posterUrl: `${window.location.origin}${file.variants['1280']}` });
            }}
          />
          {poster && form.posterUrl.endsWith(poster.variants['1280']) && (
            <Picture file={poster} alt="" sizes="160px" className="poster-preview" />
          )}
        </Field>
      </div>
      <Field label={t('org.description')} error={err('description')}>
        <textarea
          name="description"
          data-path="body.description"
          rows={3}
          value={form.description}
          onChange={(e) => set({ description: e.target.value })}
        />
      </Field>

      <h2>{t('org.showtimes')}</h2>
      {err('showtimes') && <div className="field-error">{err('showtimes')}</div>}
      {form.showtimes.map((s, i) => (
        <fieldset key={s.key} className="card showtime-form" data-testid="showtime-form">
          <legend>{t('org.showtime', { n: i + 1 })}</legend>
          <div className="row">
            <Field
              label={`${t('org.startsAt')} (${tz}${offset ? `, UTC${offset}` : ''})`}
              error={err(`showtimes.${i}.startsAt`)}
            >
              <input
                type="datetime-local"
                name={`showtimes.${i}.startsAt`}
                data-path={`body.showtimes.${i}.startsAt`}
                value={s.local}
                onChange={(e) => setShowtime(i, { local: e.target.value })}
                required
              />
            </Field>
            {form.showtimes.length > 1 && (
              <button
                type="button"
                className="btn btn-small btn-danger-ghost"
                onClick={() => set({ showtimes: form.showtimes.filter((_, j) => j !== i) })}
              >
                {t('org.removeShowtime')}
              </button>
            )}
          </div>
          <div className="tt-table">
            <div className="tt-head">
              <span>{t('org.ticketName')}</span>
              <span>{t('org.price')}</span>
              <span>{t('org.quota')}</span>
              <span />
            </div>
            {s.ticketTypes.map((x, k) => {
              const base = `showtimes.${i}.ticketTypes.${k}`;
              return (
                <div key={x.key} className="tt-row">
                  <Field label={t('org.ticketName')} error={err(`${base}.name`)}>
                    <input
                      name={`${base}.name`}
                      data-path={`body.${base}.name`}
                      value={x.name}
                      placeholder="R석"
                      onChange={(e) => setTicketType(i, k, { name: e.target.value })}
                    />
                  </Field>
                  <Field
                    label={t('org.price')}
                    error={err(`${base}.price`)}
                    hint={
                      x.price && typeof toNumber(x.price) === 'number'
                        ? won(Number(toNumber(x.price)), lang)
                        : undefined
                    }
                  >
                    <input
                      name={`${base}.price`}
                      data-path={`body.${base}.price`}
                      inputMode="numeric"
                      value={x.price}
                      placeholder="110000"
                      onChange={(e) => setTicketType(i, k, { price: e.target.value })}
                    />
                  </Field>
                  <Field
                    label={t('org.quota')}
                    error={err(`${base}.quota`)}
                    hint={x.sold ? t('org.soldCount', { n: x.sold }) : undefined}
                  >
                    <input
                      name={`${base}.quota`}
                      data-path={`body.${base}.quota`}
                      inputMode="numeric"
                      value={x.quota}
                      placeholder="100"
                      onChange={(e) => setTicketType(i, k, { quota: e.target.value })}
                    />
                  </Field>
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    aria-label={t('common.remove')}
                    disabled={s.ticketTypes.length <= 1}
                    onClick={() => setShowtime(i, { ticketTypes: s.ticketTypes.filter((_, j) => j !== k) })}
                  >
                    ✕
                  </button>
                </div>
              );
            })}
          </div>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setShowtime(i, { ticketTypes: [...s.ticketTypes, newTicketType()] })}
          >
            + {t('org.addTicketType')}
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        className="btn"
        onClick={() => set({ showtimes: [...form.showtimes, newShowtime()] })}
      >
        + {t('org.addShowtime')}
      </button>

      {error instanceof ApiError && error.errors.length > 0 ? (
        unmatched.length > 0 && (
          <div className="alert alert-error" role="alert">
            <strong>{t('common.fieldErrors')}</strong>
            <ul>
              {unmatched.map((p) => (
                <li key={p}>
                  <code>{p.replace(/^body\./, '')}</code>: {serverMessage(errs[p], lang)}
                </li>
              ))}
            </ul>
          </div>
        )
      ) : (
        <ErrorBox error={error} />
      )}
      {error instanceof ApiError && error.errors.length > 0 && unmatched.length === 0 && (
        <div className="alert alert-error" role="alert">
          {t('common.fieldsMarked', { n: error.errors.length })}
        </div>
      )}
      {saved && <div className="alert alert-success">{t('org.saved')}</div>}
      <div className="actions sticky-actions">
        <button type="submit" className="btn btn-primary btn-large" disabled={busy}>
          {eventId ? t('common.save') : t('org.create')}
        </button>
        <Link className="btn btn-ghost" to="/organizer">
          {t('common.cancel')}
        </Link>
      </div>
    </form>
  );
}

export function EventFormPage({ id }: { id?: string }) {
  const { data, error, loading, reload } = useLoad(
    async () => (id ? fromEvent((await get<{ event: EventView }>(`/api/events/${id}`)).event) : undefined),
    [id],
  );
  return (
    <section>
      <PageTitle k={id ? 'org.editTitle' : 'org.createTitle'} />
      {id ? (
        <>
          {loading && <Loading />}
          <ErrorBox error={error} onRetry={reload} />
          {data && <EventFormView initial={data} eventId={id} />}
        </>
      ) : (
        <EventFormView
          initial={{
            code: '',
            title: '',
            posterUrl: '',
            venue: '',
            description: '',
            timezone: 'Asia/Seoul',
            showtimes: [newShowtime()],
          }}
        />
      )}
    </section>
  );
}
