import { get } from '../../../api.ts';
import { useI18n } from '../../../i18n.tsx';
import { ErrorBox, Loading, useLoad } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { type CounselorCard, CounselorCardView } from './Card.tsx';

/** /consult/bookmarks: the counselors the user bookmarked. */
export function BookmarksPage() {
  const { t } = useI18n();
  const { data, error, loading, reload } = useLoad(
    () => get<{ counselors: CounselorCard[] }>('/api/consult/bookmarks'),
    [],
  );
  return (
    <ConsultLayout title={t('consult.browse.bookmarksTitle')}>
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && data.counselors.length === 0 && <p className="empty">{t('consult.browse.noBookmarks')}</p>}
      {data && data.counselors.length > 0 && (
        <div className="cb-cards">
          {data.counselors.map((c) => (
            <CounselorCardView key={c.id} c={c} />
          ))}
        </div>
      )}
    </ConsultLayout>
  );
}
