import { type FormEvent, useEffect, useState } from 'react';
import type { SearchResult } from '../../../../../src/modules/consult/discovery.ts';
import type { Service } from '../../../../../src/modules/consult/schema.ts';
import { get } from '../../../api.ts';
import { useI18n } from '../../../i18n.tsx';
import { usePublicSettings } from '../../../notice.tsx';
import { navigate, useLocation } from '../../../router.tsx';
import { ErrorBox, Loading, useLoad } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { CounselorCardView, Pager, useServiceName } from './Card.tsx';

// Listed here, not imported: the server's schema file would bring the database library into the bundle.
const SERVICES: readonly Service[] = ['phone', 'chat', 'visit', 'cafe'];
const FILTERS = ['category', 'service', 'online', 'q', 'page'] as const;

/** /consult/counselors: filters live in the address, so a filtered list can be shared and reloaded. */
export function CounselorsPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const service = useServiceName();
  const categories = usePublicSettings()['consult.categories'];
  const query = new URLSearchParams();
  for (const k of FILTERS) {
    const v = search.get(k);
    if (v) query.set(k, v);
  }
  const key = query.toString();
  const { data, error, loading, reload } = useLoad(
    () => get<SearchResult>(`/api/consult/counselors?${key}`),
    [key],
  );
  const [q, setQ] = useState(search.get('q') ?? '');
  useEffect(() => setQ(search.get('q') ?? ''), [search]);

  const set = (changes: Partial<Record<(typeof FILTERS)[number], string | undefined>>) => {
    const next = new URLSearchParams(key);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('page' in changes)) next.delete('page');
    const s = next.toString();
    navigate(`/consult/counselors${s ? `?${s}` : ''}`, { replace: true });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set({ q: q.trim() || undefined });
  };

  return (
    <ConsultLayout title={t('consult.browse.counselorsTitle')}>
      <form className="cb-filters" onSubmit={submit}>
        <input
          type="search"
          value={q}
          maxLength={50}
          placeholder={t('consult.browse.search')}
          aria-label={t('consult.browse.search')}
          onChange={(e) => setQ(e.target.value)}
        />
        <button type="submit" className="btn btn-small btn-primary">
          {t('consult.browse.searchButton')}
        </button>
        <select
          aria-label={t('consult.browse.allCategories')}
          value={search.get('category') ?? ''}
          onChange={(e) => set({ category: e.target.value || undefined })}
        >
          <option value="">{t('consult.browse.allCategories')}</option>
          {(Array.isArray(categories) ? (categories as string[]) : []).map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <select
          aria-label={t('consult.browse.allServices')}
          value={search.get('service') ?? ''}
          onChange={(e) => set({ service: e.target.value || undefined })}
        >
          <option value="">{t('consult.browse.allServices')}</option>
          {SERVICES.map((s) => (
            <option key={s} value={s}>
              {service(s)}
            </option>
          ))}
        </select>
        <label>
          <input
            type="checkbox"
            checked={search.get('online') === 'true'}
            onChange={(e) => set({ online: e.target.checked ? 'true' : undefined })}
          />
          {t('consult.browse.onlineOnly')}
        </label>
      </form>
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data ? (
        <Loading />
      ) : data ? (
        <>
          <p className="muted small" data-testid="counselor-count">
            {t('consult.browse.count', { total: data.total })}
          </p>
          {data.counselors.length === 0 ? (
            <p className="empty">{t('consult.browse.noCounselors')}</p>
          ) : (
            <div className="cb-cards">
              {data.counselors.map((c) => (
                <CounselorCardView key={c.id} c={c} />
              ))}
            </div>
          )}
          <Pager page={data.page} pages={data.pages} go={(p) => set({ page: String(p) })} />
        </>
      ) : null}
    </ConsultLayout>
  );
}
