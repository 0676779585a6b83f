import type { CounselorCard } from '../../../../../src/modules/consult/discovery.ts';
import type { Service } from '../../../../../src/modules/consult/schema.ts';
import { useI18n } from '../../../i18n.tsx';
import { Link } from '../../../router.tsx';
import { Badge } from '../../../ui.tsx';
import '../home/browse.css';

export type { CounselorCard };

/** The picture, or the name's first letter when there is none (or it fails to load). */
export function Avatar({ name, url, large }: { name: string; url: string | null; large?: boolean }) {
  const initial = [...name.replace(/[^\p{L}\p{N}]/gu, '')][0] ?? '?';
  return (
    <span className={`cb-avatar${large ? ' cb-avatar-large' : ''}`} aria-hidden="true">
      {url ? (
        <img
          src={url}
          alt=""
          loading="lazy"
          onError={(e) => {
            e.currentTarget.replaceWith(document.createTextNode(initial));
          }}
        />
      ) : (
        initial
      )}
    </span>
  );
}

export function StatusBadge({ status }: { status: CounselorCard['lineStatus'] }) {
  const { t } = useI18n();
  const tone = status === 'online' ? 'green' : status === 'busy' ? 'amber' : 'gray';
  return <Badge tone={tone}>{t(`consult.browse.status.${status}`)}</Badge>;
}

export function useServiceName() {
  const { t } = useI18n();
  return (s: Service) => t(`consult.browse.service.${s}`);
}

export function RatingText({ rating, count }: { rating: number | null; count: number }) {
  const { t } = useI18n();
  return (
    <span>
      {rating === null ? t('consult.browse.noRating') : t('consult.browse.rating', { rating, count })}
    </span>
  );
}

/** One counselor in a list: picture, name and status, intro, categories and services, rate, rating. */
export function CounselorCardView({ c }: { c: CounselorCard }) {
  const { t } = useI18n();
  const service = useServiceName();
  return (
    <Link to={`/consult/counselors/${c.id}`} className="cb-card" data-testid="counselor-card">
      <Avatar name={c.name} url={c.imageUrl} />
      <span className="cb-card-body">
        <span className="cb-card-name">
          {c.name} {c.grade && <span className="cb-tag">{c.grade}</span>}{' '}
          <StatusBadge status={c.lineStatus} />
        </span>
        {c.intro && <span className="cb-card-intro">{c.intro}</span>}
        <span className="cb-tags">
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
        </span>
        <span className="cb-meta">
          <span>{t('consult.browse.rate', { n: c.ratePer30s.toLocaleString() })}</span>
          <RatingText rating={c.rating} count={c.reviewCount} />
          <span>{t('consult.browse.likes', { n: c.likeCount })}</span>
        </span>
      </span>
    </Link>
  );
}

/** Previous / next for a paged list. */
export function Pager({ page, pages, go }: { page: number; pages: number; go: (p: number) => void }) {
  const { t } = useI18n();
  if (pages <= 1) return null;
  return (
    <nav className="cb-pages">
      <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => go(page - 1)}>
        {t('consult.browse.prev')}
      </button>
      <span className="muted">{t('consult.browse.pageOf', { page, pages })}</span>
      <button type="button" className="btn btn-small" disabled={page >= pages} onClick={() => go(page + 1)}>
        {t('consult.browse.next')}
      </button>
    </nav>
  );
}

/** Stars as text, e.g. ★★★★☆. */
export const starText = (n: number) => '★'.repeat(n) + '☆'.repeat(5 - n);
