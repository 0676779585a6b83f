import { useState } from 'react';
import type { Reviewable } from '../../../../../src/modules/consult/reviews.ts';
import { get, post } from '../../../api.ts';
import { useI18n } from '../../../i18n.tsx';
import { Link } from '../../../router.tsx';
import { ErrorBox, Field, fieldErrors, Loading, useAction, useLoad } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';

/** /consult/reviews: the user's completed consultations still open for a review, each with its form. */
export function ReviewsPage() {
  const { t, lang } = useI18n();
  const { data, error, loading, reload } = useLoad(
    () => get<{ requests: Reviewable[] }>('/api/consult/reviews/pending'),
    [],
  );
  const [sent, setSent] = useState<string[]>([]);
  const day = (iso: string) => new Date(iso).toLocaleDateString(lang === 'ko' ? 'ko-KR' : 'en-GB');
  return (
    <ConsultLayout title={t('consult.browse.reviewTitle')}>
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {sent.length > 0 && (
        <div className="alert alert-success" role="status">
          {t('consult.browse.reviewSent')}
        </div>
      )}
      {data && (
        <section className="cb-section">
          <h2>{t('consult.browse.pendingReviews')}</h2>
          {data.requests.filter((r) => !sent.includes(r.requestId)).length === 0 && (
            <p className="empty">{t('consult.browse.noPending')}</p>
          )}
          {data.requests
            .filter((r) => !sent.includes(r.requestId))
            .map((r) => (
              <div key={r.requestId} className="card cb-section">
                <div className="cb-post-title">
                  <Link to={`/consult/counselors/${r.counselorId}`}>{r.counselorName}</Link> · {r.title}
                </div>
                <div className="cb-meta">{t('consult.browse.reviewUntil', { date: day(r.until) })}</div>
                <ReviewForm requestId={r.requestId} onDone={() => setSent([...sent, r.requestId])} />
              </div>
            ))}
        </section>
      )}
    </ConsultLayout>
  );
}

function ReviewForm({ requestId, onDone }: { requestId: string; onDone: () => void }) {
  const { t } = useI18n();
  const [stars, setStars] = useState(5);
  const [body, setBody] = useState('');
  const act = useAction();
  const errors = fieldErrors(act.error);
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        void act.run(async () => {
          await post('/api/consult/reviews', { requestId, stars, body });
          onDone();
        });
      }}
    >
      <fieldset className="cb-star-pick" aria-label={t('consult.browse.stars')}>
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            type="button"
            className={n <= stars ? 'on' : ''}
            aria-pressed={n === stars}
            aria-label={`${n}`}
            onClick={() => setStars(n)}
          >
            ★
          </button>
        ))}
      </fieldset>
      <Field label={t('consult.browse.reviewBody')} error={errors['body.body']}>
        <textarea rows={4} maxLength={2000} value={body} onChange={(e) => setBody(e.target.value)} />
      </Field>
      <ErrorBox error={errors['body.body'] ? undefined : act.error} />
      <button type="submit" className="btn btn-primary" disabled={act.busy}>
        {t('consult.browse.sendReview')}
      </button>
    </form>
  );
}
