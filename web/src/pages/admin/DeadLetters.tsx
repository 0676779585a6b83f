import { useEffect, useState } from 'react';
import type { DeadLetter } from '../../../../src/platform/events/dead.ts';
import { get, post } from '../../api.ts';
import { shortDateTime } from '../../format.ts';
import { type Lang, useI18n } from '../../i18n.tsx';
import { Badge, ErrorBox, Loading, useAction, useLoad } from '../../ui.tsx';
import { AdminTabs } from './AdminTabs.tsx';

// This page's words; kept here so the page is one file (admins only).
const words = {
  ko: {
    title: '전달 실패 (dead letter)',
    intro:
      '재시도 횟수(MAIL_MAX_ATTEMPTS)를 모두 쓰고도 처리하지 못한 이벤트입니다. 원인(예: SMTP 장애)을 해결한 뒤 다시 보내세요. 같은 메일을 다시 보내도 Message-ID가 같아 받는 쪽에서 중복을 걸러낼 수 있습니다.',
    empty: '전달 실패한 이벤트가 없습니다.',
    event: '이벤트',
    consumer: '처리기',
    attempts: '시도',
    failedAt: '포기한 시각',
    error: '마지막 오류',
    redrive: '다시 보내기',
    redriveAll: '모두 다시 보내기',
    done: (n: number) => `${n}건을 다시 보냈습니다.`,
  },
  en: {
    title: 'Dead letters',
    intro:
      'Events that failed every attempt (MAIL_MAX_ATTEMPTS) and were given up on. Fix the cause (e.g. an SMTP outage), then send them again. A mail sent again keeps its Message-ID, so receivers can drop a copy.',
    empty: 'No dead letters.',
    event: 'Event',
    consumer: 'Consumer',
    attempts: 'Attempts',
    failedAt: 'Given up',
    error: 'Last error',
    redrive: 'Send again',
    redriveAll: 'Send all again',
    done: (n: number) => `${n} sent again.`,
  },
} satisfies Record<Lang, unknown>;

export function DeadLettersPage() {
  const { lang } = useI18n();
  const w = words[lang === 'ko' ? 'ko' : 'en'];
  const { data, error, loading, reload } = useLoad(
    () => get<{ dead: DeadLetter[] }>('/api/admin/events/dead'),
    [],
  );
  const action = useAction();
  const [result, setResult] = useState<number>();
  useEffect(() => {
    document.title = `${w.title} · yeyak`;
  }, [w.title]);
  const redrive = (path: string) =>
    action.run(async () => {
      const out = await post<{ redriven: number }>(path);
      setResult(out.redriven);
      await reload();
    });
  if (loading) return <Loading />;
  if (!data) return <ErrorBox error={error} onRetry={reload} />;
  return (
    <section className="dead-letters" data-testid="dead-letters">
      <AdminTabs />
      <h1>{w.title}</h1>
      <p className="muted">{w.intro}</p>
      {action.error ? <ErrorBox error={action.error} /> : null}
      {result !== undefined && (
        <p className="notice" role="status">
          {w.done(result)}
        </p>
      )}
      {data.dead.length === 0 ? (
        <p data-testid="dead-empty">{w.empty}</p>
      ) : (
        <>
          <p>
            <button
              type="button"
              className="btn"
              disabled={action.busy}
              onClick={() => redrive('/api/admin/events/dead/redrive')}
            >
              {w.redriveAll}
            </button>
          </p>
          <ul className="dead-list" style={{ listStyle: 'none', padding: 0, display: 'grid', gap: 12 }}>
            {data.dead.map((d) => (
              <li key={`${d.consumer}/${d.eventId}`} className="card dead-item" data-testid="dead-item">
                <div className="dead-head">
                  <Badge tone="red">{d.topic ?? '?'}</Badge> <strong>{d.consumer}</strong>
                </div>
                <dl
                  className="dead-meta"
                  style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 12px' }}
                >
                  <dt>{w.event}</dt>
                  <dd>
                    <code className="dead-id" style={{ overflowWrap: 'anywhere' }}>
                      {d.eventId}
                    </code>
                  </dd>
                  <dt>{w.attempts}</dt>
                  <dd>{d.attempts}</dd>
                  <dt>{w.failedAt}</dt>
                  <dd>{shortDateTime(d.failedAt, undefined, lang)}</dd>
                  <dt>{w.error}</dt>
                  <dd className="dead-error" style={{ overflowWrap: 'anywhere' }}>
                    {d.lastError ?? ''}
                  </dd>
                </dl>
                <button
                  type="button"
                  className="btn btn-secondary"
                  disabled={action.busy}
                  onClick={() => redrive(`/api/admin/events/dead/${d.eventId}/redrive`)}
                >
                  {w.redrive}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
