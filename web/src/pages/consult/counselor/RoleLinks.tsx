import { useAuth } from '../../../auth.tsx';
import { useI18n } from '../../../i18n.tsx';
import { Link } from '../../../router.tsx';

/**
 * On the marketplace home: "apply as a counselor" for everyone who is not one, the counselor's own
 * profile for counselors, the admin menu for admins.
 */
export function ConsultRoleLinks() {
  const { t } = useI18n();
  const { user } = useAuth();
  const role = user?.role;
  return (
    <p className="center small" data-testid="consult-role-links">
      {role === 'counselor' || role === 'admin' ? (
        <Link to="/consult/me/counselor">{t('consult.counselor.me')}</Link>
      ) : (
        <Link to="/consult/apply" data-testid="apply-link">
          {t('consult.counselor.applyLink')}
        </Link>
      )}
      {role === 'admin' && (
        <>
          {' · '}
          <Link to="/consult/admin" data-testid="consult-admin-link">
            {t('consult.cadmin.title')}
          </Link>
        </>
      )}
    </p>
  );
}
