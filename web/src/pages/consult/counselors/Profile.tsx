import { useState } from 'react';
import type { CounselorProfile } from '../../../../../src/modules/consult/discovery.ts';
import type { ReviewView } from '../../../../../src/modules/consult/reviews.ts';
import { del, get, post, put } from '../../../api.ts';
import { useAuth } from '../../../auth.tsx';
import { useI18n } from '../../../i18n.tsx';
import { Link } from '../../../router.tsx';
import { ErrorBox, Loading, useAction, useLoad } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { Avatar, Pager, RatingText, StatusBadge, starText, useServiceName } from './Card.tsx';

type ProfileAnswer = { counselor: CounselorProfile; bookmarked: boolean; liked: boolean };
type ReviewsAnswer = { reviews: ReviewView[]; total: number; page: number; pages: number };

/** /consult/counselors/:id: the public profile, items, reviews; bookmark, like, chat and call. */
export function CounselorPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const service = useServiceName();
  const profile = useLoad(
    () => get<ProfileAnswer>(`/api/consult/counselors/${encodeURIComponent(id)}`),
    [id, user?.id],
  );
  const mark = useAction();
  const data = profile.data;
  const c = data?.counselor;

  const toggle = (what: 'bookmark' | 'like', on: boolean) =>
    mark.run(async () => {
      const path = `/api/consult/counselors/${id}/${what}`;
      const answer = await (on ? put<Record<string, unknown>>(path, {}) : del<Record<string, unknown>>(path));
      profile.setData((d) =>
        d
          ? what === 'bookmark'
            ? { ...d, bookmarked: on }
            : { ...d, liked: on, counselor: { ...d.counselor, likeCount: Number(answer.likeCount) } }
          : d,
      );
    });

  return (
    <ConsultLayout title={c?.name ?? t('consult.browse.profileTitle')}>
      <ErrorBox error={profile.error} onRetry={profile.reload} />
      {profile.loading && !data && <Loading />}
      {c && data && (
        <>
          <div className="cb-profile-head">
            <Avatar name={c.name} url={c.imageUrl} large />
            <div className="cb-card-body">
              <div className="cb-card-name">
                {c.grade && <span className="cb-tag">{c.grade}</span>} <StatusBadge status={c.lineStatus} />
              </div>
              <div className="cb-meta">
                <span>{t('consult.browse.rate', { n: c.ratePer30s.toLocaleString() })}</span>
                <RatingText rating={c.rating} count={c.reviewCount} />
                <span data-testid="like-count">{t('consult.browse.likes', { n: c.likeCount })}</span>
              </div>
              <div className="cb-tags">
                {c.categories.map((x) => (
                  <span key={x} className="cb-tag">
                    {x}
                  </span>
                ))}
                {c.services.map((s) => (
                  <span key={s} className="cb-tag">
                    {service(s)}
                  </span>
                ))}
              </div>
            </div>
          </div>
          <div className="cb-actions">
            <Link className="btn btn-primary" to={`/consult/counselors/${c.id}/chat`}>
              {t('consult.browse.chat')}
            </Link>
            <Link className="btn btn-secondary" to={`/consult/counselors/${c.id}/call`}>
              {t('consult.browse.call')}
            </Link>
          </div>
          {user ? (
            <div className="cb-actions">
              <button
                type="button"
                className="btn btn-small"
                aria-pressed={data.bookmarked}
                disabled={mark.busy}
                onClick={() => toggle('bookmark', !data.bookmarked)}
              >
                {data.bookmarked
                  ? `★ ${t('consult.browse.bookmarked')}`
                  : `☆ ${t('consult.browse.bookmark')}`}
              </button>
              <button
                type="button"
                className="btn btn-small"
                aria-pressed={data.liked}
                disabled={mark.busy}
                onClick={() => toggle('like', !data.liked)}
              >
                {data.liked ? `♥ ${t('consult.browse.liked')}` : `♡ ${t('consult.browse.like')}`}
              </button>
            </div>
          ) : (
            <p className="muted small">
              <Link to={`/login?next=${encodeURIComponent(`/consult/counselors/${c.id}`)}`}>
                {t('nav.login')}
              </Link>{' '}
              · {t('consult.browse.loginToMark')}
            </p>
          )}
          <ErrorBox error={mark.error} />
          {c.intro && (
            <section className="cb-section card">
              <h2>{t('consult.browse.intro')}</h2>
              <p className="cb-text">{c.intro}</p>
            </section>
          )}
          {c.detail && (
            <section className="cb-section card">
              <h2>{t('consult.browse.detail')}</h2>
              <p className="cb-text">{c.detail}</p>
            </section>
          )}
          <section className="cb-section">
            <h2>{t('consult.browse.items')}</h2>
            {c.items.length === 0 ? (
              <p className="empty">{t('consult.browse.noItems')}</p>
            ) : (
              <ul className="cb-list">
                {c.items.map((i) => (
                  <li key={i.id}>
                    <div className="cb-post-title">
                      <span className="cb-tag">{service(i.kind)}</span> {i.title}
                    </div>
                    {i.description && <p className="cb-text muted small">{i.description}</p>}
                    <div className="cb-meta">
                      {i.kind === 'phone'
                        ? t('consult.browse.per30s', { n: i.price.toLocaleString() })
                        : t('consult.browse.perItem', { n: i.price.toLocaleString() })}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <Reviews counselorId={c.id} />
        </>
      )}
    </ConsultLayout>
  );
}

function Reviews({ counselorId }: { counselorId: string }) {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const [page, setPage] = useState(1);
  const list = useLoad(
    () => get<ReviewsAnswer>(`/api/consult/counselors/${counselorId}/reviews?page=${page}`),
    [counselorId, page, user?.id],
  );
  const act = useAction();
  const [reply, setReply] = useState<Record<string, string>>({});
  return (
    <section className="cb-section" id="reviews">
      <h2>
        {t('consult.browse.reviews')} <span className="muted small">{list.data?.total ?? ''}</span>
      </h2>
      <ErrorBox error={list.error ?? act.error} onRetry={list.reload} />
      {list.data && list.data.reviews.length === 0 && (
        <p className="empty">{t('consult.browse.noReviews')}</p>
      )}
      {list.data && list.data.reviews.length > 0 && (
        <ul className="cb-list" data-testid="reviews">
          {list.data.reviews.map((r) => (
            <li key={r.id} className="cb-review">
              <div className="cb-meta">
                <span className="cb-stars" title={`${r.stars}/5`}>
                  {starText(r.stars)}
                </span>
                <span>{r.author ?? t('consult.browse.member')}</span>
                <span>{new Date(r.createdAt).toLocaleDateString(lang === 'ko' ? 'ko-KR' : 'en-GB')}</span>
                {r.hidden && <span className="badge badge-gray">{t('consult.browse.hidden')}</span>}
              </div>
              <p className="cb-text">{r.body}</p>
              {r.reply && (
                <div className="cb-reply">
                  <strong>{t('consult.browse.reply')}</strong>
                  <p className="cb-text">{r.reply}</p>
                </div>
              )}
              {r.canReply && (
                <form
                  className="cb-filters"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void act.run(async () => {
                      await post(`/api/consult/reviews/${r.id}/reply`, { text: reply[r.id] ?? '' });
                      await list.reload();
                    });
                  }}
                >
                  <input
                    type="text"
                    maxLength={2000}
                    aria-label={t('consult.browse.writeReply')}
                    value={reply[r.id] ?? ''}
                    onChange={(e) => setReply({ ...reply, [r.id]: e.target.value })}
                  />
                  <button type="submit" className="btn btn-small" disabled={act.busy}>
                    {t('consult.browse.writeReply')}
                  </button>
                </form>
              )}
              {user?.role === 'admin' && (
                <div>
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    disabled={act.busy}
                    onClick={() =>
                      act.run(async () => {
                        await post(`/api/consult/reviews/${r.id}/hide`, { hidden: !r.hidden });
                        await list.reload();
                      })
                    }
                  >
                    {r.hidden ? t('consult.browse.unhide') : t('consult.browse.hide')}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {list.data && <Pager page={list.data.page} pages={list.data.pages} go={setPage} />}
    </section>
  );
}
