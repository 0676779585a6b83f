import { type FormEvent, useState } from 'react';
import { post } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';
import { ErrorBox, Field, fieldErrors, PageTitle, useAction } from '../../ui.tsx';
import { EmailField, PasswordField } from '../account-fields.tsx';

/** Forgotten password: the address first, then the mailed code with the new password. */
export function ForgotPasswordPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const [email, setEmail] = useState(search.get('email') ?? '');
  const [sent, setSent] = useState(false);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, run } = useAction();
  const errs = fieldErrors(error);

  const request = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      await post('/api/auth/password-reset/request', { email });
      setSent(true);
    });
  };
  const reset = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      await post('/api/auth/password-reset', { email, code: code.trim(), password });
      navigate(`/login?reset=1&email=${encodeURIComponent(email.trim().toLowerCase())}`, { replace: true });
    });
  };

  return (
    <section className="card narrow auth-card" data-testid="forgot-password">
      <PageTitle k="acct.forgotTitle" />
      {!sent ? (
        <form onSubmit={request} className="form" noValidate>
          <p className="muted">{t('acct.forgotIntro')}</p>
          <EmailField value={email} onChange={setEmail} error={errs['body.email']} autoComplete="email" />
          {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {t('acct.sendCode')}
          </button>
        </form>
      ) : (
        <form onSubmit={reset} className="form" noValidate>
          <div className="alert alert-info" role="status">
            {t('acct.codeMaybeSent')}
          </div>
          <p className="muted small">{email}</p>
          <Field label={t('acct.code')} error={errs['body.code']}>
            <input
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              required
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
              className="code-input"
            />
          </Field>
          <PasswordField
            value={password}
            onChange={setPassword}
            error={errs['body.password']}
            isNew
            label={t('acct.newPassword')}
          />
          {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {t('acct.setPassword')}
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-block"
            onClick={() => {
              setSent(false);
              setCode('');
              setError(undefined);
            }}
          >
            {t('acct.otherAddress')}
          </button>
        </form>
      )}
      <p className="center muted">
        <Link to="/login">{t('acct.backToLogin')}</Link>
      </p>
    </section>
  );
}

/** "Which address did I use?": the answer goes by mail to the address, the screen says the same either way. */
export function FindAccountPage() {
  const { t, lang } = useI18n();
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState('');
  const { busy, error, run } = useAction();
  const errs = fieldErrors(error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      await post('/api/auth/find-account', { email, lang: lang === 'en' ? 'en' : 'ko' });
      setSentTo(email.trim().toLowerCase());
    });
  };
  return (
    <section className="card narrow auth-card" data-testid="find-account">
      <PageTitle k="acct.findTitle" />
      <form onSubmit={submit} className="form" noValidate>
        <p className="muted">{t('acct.findIntro')}</p>
        <EmailField value={email} onChange={setEmail} error={errs['body.email']} autoComplete="email" />
        {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
        {sentTo && (
          <div className="alert alert-success" role="status">
            {t('acct.findSent', { email: sentTo })}
          </div>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {t('acct.findButton')}
        </button>
      </form>
      <p className="center muted">
        <Link to="/forgot-password">{t('acct.forgotLink')}</Link> ·{' '}
        <Link to="/login">{t('acct.backToLogin')}</Link>
      </p>
    </section>
  );
}
