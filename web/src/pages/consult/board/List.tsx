import { type FormEvent, useEffect, useState } from 'react';
import type { PostSummary } from '../../../../../src/modules/consult/board.ts';
import { get } from '../../../api.ts';
import { useAuth } from '../../../auth.tsx';
import { useI18n } from '../../../i18n.tsx';
import { Link, navigate, useLocation } from '../../../router.tsx';
import { ErrorBox, Loading, useLoad } from '../../../ui.tsx';
import { Pager } from '../counselors/Card.tsx';
import { ConsultFooter } from '../home/Home.tsx';
import { ConsultLayout } from '../Layout.tsx';

type ListAnswer = { posts: PostSummary[]; total: number; page: number; pages: number };

export const shortDate = (iso: string, lang: string) =>
  new Date(iso).toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });

/** /consult/board: posts newest first, with search and pages (the address keeps both). */
export function BoardPage() {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const { search } = useLocation();
  const query = new URLSearchParams();
  for (const k of ['q', 'page', 'notice']) {
    const v = search.get(k);
    if (v) query.set(k, v);
  }
  const key = query.toString();
  const { data, error, loading, reload } = useLoad(
    () => get<ListAnswer>(`/api/consult/board?${key}`),
    [key, user?.id],
  );
  const [q, setQ] = useState(search.get('q') ?? '');
  useEffect(() => setQ(search.get('q') ?? ''), [search]);
  const go = (next: URLSearchParams) => {
    const s = next.toString();
    navigate(`/consult/board${s ? `?${s}` : ''}`, { replace: true });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    if (q.trim()) next.set('q', q.trim());
    go(next);
  };
  return (
    <ConsultLayout
      title={t('consult.browse.boardTitle')}
      after={
        user ? (
          <Link to="/consult/board/new" className="btn btn-small btn-primary" data-testid="write-post">
            {t('consult.browse.write')}
          </Link>
        ) : undefined
      }
    >
      <form className="cb-filters" onSubmit={submit}>
        <input
          type="search"
          value={q}
          maxLength={50}
          aria-label={t('consult.browse.searchButton')}
          onChange={(e) => setQ(e.target.value)}
        />
        <button type="submit" className="btn btn-small">
          {t('consult.browse.searchButton')}
        </button>
      </form>
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && data.posts.length === 0 && <p className="empty">{t('consult.browse.noPosts')}</p>}
      {data && data.posts.length > 0 && (
        <ul className="cb-list" data-testid="posts">
          {data.posts.map((p) => (
            <li key={p.id}>
              <Link to={`/consult/board/${p.id}`}>
                <div className="cb-post-title">
                  {p.notice && <span className="badge badge-blue">{t('consult.browse.notice')}</span>}{' '}
                  {p.title}
                  {p.hidden && <span className="badge badge-gray">{t('consult.browse.hidden')}</span>}
                </div>
                <div className="cb-meta">
                  <span>{p.author ?? t('consult.browse.member')}</span>
                  <span>{shortDate(p.createdAt, lang)}</span>
                  <span>{t('consult.browse.comments', { n: p.commentCount })}</span>
                  {p.imageCount > 0 && <span>📷 {p.imageCount}</span>}
                </div>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {data && (
        <Pager
          page={data.page}
          pages={data.pages}
          go={(n) => {
            const next = new URLSearchParams(key);
            next.set('page', String(n));
            go(next);
          }}
        />
      )}
      <ConsultFooter />
    </ConsultLayout>
  );
}
