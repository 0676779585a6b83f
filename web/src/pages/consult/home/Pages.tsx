import { useI18n } from '../../../i18n.tsx';
import { usePublicSettings } from '../../../notice.tsx';
import { Link } from '../../../router.tsx';
import { NotificationsPage } from '../../Notifications.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { ConsultFooter } from './Home.tsx';

/** A page whose text an admin keeps in a public setting (consult.contact, consult.terms), shown as text. */
function SettingPage({ title, setting }: { title: string; setting: string }) {
  const { t } = useI18n();
  const value = usePublicSettings()[setting];
  return (
    <ConsultLayout title={title}>
      <div className="card">
        {typeof value === 'string' && value.trim() ? (
          <p className="cb-text" data-testid="setting-text">
            {value}
          </p>
        ) : (
          <p className="empty">{t('consult.browse.notSet')}</p>
        )}
      </div>
      <ConsultFooter />
    </ConsultLayout>
  );
}

/** /consult/contact: the operator and business details. */
export function ContactPage() {
  const { t } = useI18n();
  return <SettingPage title={t('consult.browse.contactTitle')} setting="consult.contact" />;
}

/** /consult/terms: the terms of use. */
export function TermsPage() {
  const { t } = useI18n();
  return <SettingPage title={t('consult.browse.termsTitle')} setting="consult.terms" />;
}

/** Any /consult address no page answers: the marketplace's own 404, with its tabs. */
export function ConsultNotFoundPage() {
  const { t } = useI18n();
  return (
    <ConsultLayout title={t('consult.browse.notFoundTitle')}>
      <div className="card narrow center" data-testid="consult-404">
        <p>{t('consult.browse.notFoundText')}</p>
        <Link to="/consult" className="btn btn-primary">
          {t('consult.browse.goConsultHome')}
        </Link>
      </div>
    </ConsultLayout>
  );
}

/** `/consult/notifications`: the platform's notices inside the marketplace's frame (the app's tab bar). */
export function ConsultNotificationsPage() {
  const { t } = useI18n();
  return (
    <ConsultLayout title={t('consult.browse.notificationsTitle')}>
      <NotificationsPage titled={false} />
    </ConsultLayout>
  );
}
