import { useI18n } from '../i18n.tsx';
import { Field } from '../ui.tsx';

type Props = { value: string; onChange: (v: string) => void; error?: string };

/** The e-mail field of the login, sign-up and admin "add user" forms. */
export function EmailField({ value, onChange, error, autoComplete }: Props & { autoComplete?: string }) {
  const { t } = useI18n();
  return (
    <Field label={t('auth.email')} error={error}>
      <input
        name="email"
        type="email"
        autoComplete={autoComplete}
        required
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}

/** A password field: the current one (login) or a new one, with the length rule shown. */
export function PasswordField({
  value,
  onChange,
  error,
  isNew,
  label,
}: Props & { isNew?: boolean; label?: string }) {
  const { t } = useI18n();
  return (
    <Field
      label={label ?? t('auth.password')}
      error={error}
      hint={isNew ? t('auth.passwordHint') : undefined}
    >
      <input
        name="password"
        type="password"
        autoComplete={isNew ? 'new-password' : 'current-password'}
        required
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}
