import type { PostSummary } from '../../../../../src/modules/consult/board.ts';
import type { CounselorCard } from '../../../../../src/modules/consult/discovery.ts';
import type { ReviewView } from '../../../../../src/modules/consult/reviews.ts';
import { get } from '../../../api.ts';
import { useAuth } from '../../../auth.tsx';
import { useI18n } from '../../../i18n.tsx';
import { Link } from '../../../router.tsx';
import { ErrorBox, Loading, useLoad } from '../../../ui.tsx';
import { ConsultRoleLinks } from '../counselor/RoleLinks.tsx';
import { CounselorCardView, starText } from '../counselors/Card.tsx';
import { ConsultLayout } from '../Layout.tsx';

type HomeAnswer = {
  online: CounselorCard[];
  categories: string[];
  reviews: ReviewView[];
  notices: PostSummary[];
};

/** Links at the foot of the browsing pages: bookmarks and reviews (logged in), board, contact, terms. */
export function ConsultFooter() {
  const { t } = useI18n();
  const { user } = useAuth();
  return (
    <nav className="cb-footer-links" aria-label="consult">
      {user && <Link to="/consult/bookmarks">{t('consult.browse.bookmarksTitle')}</Link>}
      {user && <Link to="/consult/reviews">{t('consult.browse.reviewTitle')}</Link>}
      <Link to="/consult/board">{t('consult.browse.footerBoard')}</Link>
      <Link to="/consult/contact">{t('consult.browse.footerContact')}</Link>
      <Link to="/consult/terms">{t('consult.browse.footerTerms')}</Link>
    </nav>
  );
}

/** /consult: who is online, the categories, new reviews and the admins' notices. */
export function ConsultHomePage() {
  const { t } = useI18n();
  const { data, error, loading, reload } = useLoad(() => get<HomeAnswer>('/api/consult/home'), []);
  return (
    <ConsultLayout title={t('consult.browse.homeTitle')}>
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && (
        <>
          {data.notices.length > 0 && (
            <section className="cb-section" data-testid="notices">
              <h2>
                {t('consult.browse.notices')} <Link to="/consult/board?notice=true">›</Link>
              </h2>
              <ul className="cb-list">
                {data.notices.map((n) => (
                  <li key={n.id}>
                    <Link to={`/consult/board/${n.id}`} className="cb-post-title">
                      <span className="badge badge-blue">{t('consult.browse.notice')}</span> {n.title}
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section className="cb-section">
            <h2>{t('consult.browse.categories')}</h2>
            <div className="cb-chips">
              {data.categories.map((c) => (
                <Link key={c} className="chip" to={`/consult/counselors?category=${encodeURIComponent(c)}`}>
                  {c}
                </Link>
              ))}
            </div>
          </section>
          <section className="cb-section" data-testid="online">
            <h2>
              {t('consult.browse.online')}{' '}
              <Link to="/consult/counselors">{t('consult.browse.allCounselors')}</Link>
            </h2>
            {data.online.length === 0 ? (
              <p className="empty">{t('consult.browse.noneOnline')}</p>
            ) : (
              <div className="cb-cards">
                {data.online.map((c) => (
                  <CounselorCardView key={c.id} c={c} />
                ))}
              </div>
            )}
          </section>
          <section className="cb-section">
            <h2>{t('consult.browse.newReviews')}</h2>
            {data.reviews.length === 0 ? (
              <p className="empty">{t('consult.browse.noReviews')}</p>
            ) : (
              <ul className="cb-list">
                {data.reviews.map((r) => (
                  <li key={r.id} className="cb-review">
                    <div className="cb-meta">
                      <span className="cb-stars">{starText(r.stars)}</span>
                      <Link to={`/consult/counselors/${r.counselorId}`}>{r.counselorName}</Link>
                      <span>{r.author ?? t('consult.browse.member')}</span>
                    </div>
                    <p className="cb-text">{r.body}</p>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
      <ConsultRoleLinks />
      <ConsultFooter />
    </ConsultLayout>
  );
}
