import { get } from '../../api.ts';
import { Link, navigate } from '../../router.tsx';
import { ErrorBox, Loading, TableWrap, useLoad } from '../../ui.tsx';
import { type RegKey, useRegI18n, when } from './i18n.ts';
import { SettingsForm } from './SettingsForm.tsx';
import type { RegEvent } from './types.ts';

/** The registrations the organiser follows, and the form to connect another. */
export function RegistrationListPage() {
  const { t, lang } = useRegI18n();
  const { data, error, loading, reload } = useLoad(
    () => get<{ events: RegEvent[] }>('/api/registration/events'),
    [],
  );
  return (
    <section className="registration-page">
      <div className="page-head row">
        <div>
          <h1>{t('title')}</h1>
          <div className="muted small">{t('subtitle')}</div>
        </div>
      </div>
      {loading && <Loading />}
      {error ? <ErrorBox error={error} onRetry={reload} /> : null}
      {data && data.events.length === 0 && <p className="empty">{t('empty')}</p>}
      {data && data.events.length > 0 && (
        <TableWrap>
          <table className="table" data-testid="reg-list">
            <thead>
              <tr>
                <th>{t('slug')}</th>
                <th>{t('name')}</th>
                <th>{t('source')}</th>
                <th>{t('lastOk')}</th>
                <th>{t('lastError')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.events.map((e) => (
                <tr key={e.id}>
                  <td>
                    <code>{e.slug}</code>
                  </td>
                  <td>{e.name}</td>
                  <td>{t(`source.${e.source}` as RegKey)}</td>
                  <td>{when(e.sync.lastOkAt, lang) ?? t('never')}</td>
                  <td className="small">{e.sync.lastError ?? ''}</td>
                  <td>
                    <Link className="btn btn-small" to={`/registration/${e.id}`}>
                      {t('open')}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <h2>{t('new')}</h2>
      <SettingsForm onSaved={(ev) => navigate(`/registration/${ev.id}`)} />
    </section>
  );
}
