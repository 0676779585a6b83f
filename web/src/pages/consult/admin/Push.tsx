import { type FormEvent, useState } from 'react';
import type { PushSendView } from '../../../../../src/modules/consult/push-admin.ts';
import { get, post } from '../../../api.ts';
import { shortDateTime } from '../../../format.ts';
import { type Key, useI18n } from '../../../i18n.tsx';
import {
  Badge,
  ErrorBox,
  Field,
  fieldErrors,
  Loading,
  useAction,
  useConfirm,
  useLoad,
} from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { BackToAdmin } from './Menu.tsx';
import './admin.css';

const SEGMENTS = ['everyone', 'users', 'counselors', 'marketing'] as const;
type Segment = (typeof SEGMENTS)[number];

/** `/consult/admin/push`: a push to a segment or a test to yourself, and what came of earlier ones. */
export function AdminPushPage() {
  const { t, lang } = useI18n();
  const [d, setD] = useState({ title: '', body: '', link: '', segment: 'everyone' as Segment });
  const [queued, setQueued] = useState<number>();
  const history = useLoad(() => get<{ sends: PushSendView[] }>('/api/consult/admin/push'), []);
  const { busy, error, run } = useAction();
  const confirm = useConfirm();
  const errs = fieldErrors(error);
  const seg = (s: Segment) => t(`consult.cadmin.segment.${s}` as Key);
  const send = (test: boolean) =>
    void run(async () => {
      setQueued(undefined);
      if (
        !test &&
        !(await confirm.ask(t('consult.cadmin.sendAsk', { title: d.title, segment: seg(d.segment) })))
      )
        return;
      const r = await post<{ send: PushSendView }>('/api/consult/admin/push', {
        ...d,
        ...(d.link.trim() ? {} : { link: undefined }),
        test,
      });
      setQueued(r.send.targets);
      await history.reload();
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send(false);
  };
  const field = (k: 'title' | 'body' | 'link') => ({
    name: k,
    value: d[k],
    onChange: (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value }),
    'data-testid': `push-${k}`,
  });
  return (
    <ConsultLayout title={t('consult.cadmin.push')}>
      <BackToAdmin />
      <form className="card ca-form" onSubmit={submit} noValidate data-testid="push-form">
        <p className="muted small">{t('consult.cadmin.pushIntro')}</p>
        <Field label={t('consult.cadmin.pushTitle')} error={errs['body.title']}>
          <input {...field('title')} maxLength={60} />
        </Field>
        <Field label={t('consult.cadmin.pushBody')} error={errs['body.body']}>
          <textarea {...field('body')} rows={3} maxLength={300} />
        </Field>
        <Field label={t('consult.cadmin.pushLink')} error={errs['body.link']}>
          <input {...field('link')} placeholder="/consult" />
        </Field>
        <Field label={t('consult.cadmin.segment')} error={errs['body.segment']}>
          <select
            value={d.segment}
            onChange={(e) => setD({ ...d, segment: e.target.value as Segment })}
            data-testid="push-segment"
          >
            {SEGMENTS.map((s) => (
              <option key={s} value={s}>
                {seg(s)}
              </option>
            ))}
          </select>
        </Field>
        {errs['body.test'] && <div className="alert alert-error">{errs['body.test']}</div>}
        {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
        {queued !== undefined && (
          <div className="alert alert-success" role="status" data-testid="push-queued">
            {t('consult.cadmin.queued', { n: queued })}
          </div>
        )}
        <div className="ca-inline">
          <button
            type="button"
            className="btn"
            disabled={busy}
            onClick={() => send(true)}
            data-testid="push-test"
          >
            {t('consult.cadmin.sendTest')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="push-send">
            {t('consult.cadmin.send')}
          </button>
        </div>
      </form>
      {confirm.element}
      <div className="ca-toolbar">
        <h2>{t('consult.cadmin.history')}</h2>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => void history.reload()}>
          {t('consult.cadmin.refresh')}
        </button>
      </div>
      <p className="muted small">{t('consult.cadmin.countsHint')}</p>
      {history.loading && <Loading />}
      <ErrorBox error={history.error} onRetry={history.reload} />
      {history.data?.sends.length === 0 && <p className="muted">{t('consult.cadmin.noHistory')}</p>}
      <ul className="ca-list" data-testid="push-history">
        {history.data?.sends.map((s) => (
          <li key={s.id} className="card ca-item" data-testid="push-send-row">
            <div className="ca-item-head">
              <strong>{s.title}</strong>
              <Badge tone={s.segment === 'marketing' ? 'amber' : 'blue'}>{seg(s.segment)}</Badge>
              {s.test && <Badge tone="gray">{t('consult.cadmin.test')}</Badge>}
              <span className="muted small">
                {shortDateTime(s.createdAt, 'Asia/Seoul', lang)} · {s.sentBy ?? ''}
              </span>
            </div>
            <p className="ca-pre small">{s.body}</p>
            {s.link && <span className="small muted">{s.link}</span>}
            <span className="small ca-counts" data-testid="push-counts">
              {t('consult.cadmin.counts', {
                targets: s.targets,
                delivered: s.delivered,
                failed: s.failed,
                pending: s.pending,
              })}
            </span>
          </li>
        ))}
      </ul>
    </ConsultLayout>
  );
}
