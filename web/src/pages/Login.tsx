import { type FormEvent, useState } from 'react';
import { ApiError, post } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { DemoLogins, useDemo } from '../demo.tsx';
import { useI18n } from '../i18n.tsx';
import { serverMessage } from '../messages.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { ErrorBox, Field, fieldErrors, PageTitle, useAction } from '../ui.tsx';
import { EmailField, PasswordField } from './account-fields.tsx';
import { SocialButtons } from './oauth/SocialButtons.tsx';

function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function VerifyStep({ email, password, next }: { email: string; password: string; next: string }) {
  const { t } = useI18n();
  const { login } = useAuth();
  const { demo } = useDemo();
  const [code, setCode] = useState('');
  const { busy, error, setError, run } = useAction();
  const [info, setInfo] = useState('');
  const errs = fieldErrors(error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setInfo('');
    await run(async () => {
      await post('/api/auth/verify', { email, code: code.trim() });
      if (password) {
        await login(email, password);
        navigate(next, { replace: true });
      } else {
        navigate(`/login?next=${encodeURIComponent(next)}`, { replace: true });
      }
    });
  };

  // Not through `run`: resending must not disable the verify button meanwhile.
  const resend = async () => {
    setError(undefined);
    try {
      await post('/api/auth/resend', { email });
      setInfo(t('auth.resent'));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card narrow auth-card">
      <PageTitle k="auth.verifyTitle" />
      <p>{t('auth.codeSent', { email })}</p>
      {demo && (
        <div className="alert alert-info" data-testid="demo-hint">
          {t('auth.demoHint')}{' '}
          <a href="/mailbox" target="_blank" rel="noreferrer">
            {t('auth.openMailbox')} ↗
          </a>
        </div>
      )}
      <form onSubmit={submit} className="form">
        <Field label={t('auth.code')} error={errs['body.code']}>
          <input
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            maxLength={6}
            required
            value={code}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            className="code-input"
          />
        </Field>
        {info && <div className="alert alert-success">{info}</div>}
        {error !== undefined && !errs['body.code'] && <ErrorBox error={error} />}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {t('auth.verify')}
        </button>
        <button type="button" className="btn btn-ghost btn-block" onClick={resend}>
          {t('auth.resend')}
        </button>
      </form>
    </section>
  );
}

export function LoginPage() {
  const { t, lang } = useI18n();
  const { login } = useAuth();
  const { search } = useLocation();
  const next = safeNext(search.get('next'));
  const [email, setEmail] = useState(search.get('email') ?? '');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const [verify, setVerify] = useState(false);
  const errs = fieldErrors(error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      try {
        await login(email, password);
      } catch (err) {
        // An unverified account goes on to the code step rather than showing an error.
        if (err instanceof ApiError && err.status === 403 && /verif/i.test(err.message)) {
          setVerify(true);
          return;
        }
        throw err;
      }
      navigate(next, { replace: true });
    });
  };

  if (verify) return <VerifyStep email={email.trim().toLowerCase()} password={password} next={next} />;

  const wrong = error instanceof ApiError && error.status === 401;
  const refused = error instanceof ApiError && error.status === 403;
  const notice = search.get('reset')
    ? 'acct.resetDone'
    : search.get('withdrawn')
      ? 'acct.withdrawn'
      : undefined;
  return (
    <section className="card narrow auth-card">
      <PageTitle k="auth.loginTitle" />
      {notice && (
        <div className="alert alert-success" role="status">
          {t(notice)}
        </div>
      )}
      <form onSubmit={submit} className="form">
        <EmailField value={email} onChange={setEmail} error={errs['body.email']} autoComplete="username" />
        <PasswordField value={password} onChange={setPassword} error={errs['body.password']} />
        {wrong ? (
          <div className="alert alert-error" role="alert">
            {t('auth.wrong')}
          </div>
        ) : refused ? (
          // A suspended account: the reason alone, not the generic "not allowed to see this page".
          <div className="alert alert-error" role="alert" data-testid="login-refused">
            {serverMessage(error.message, lang)}
          </div>
        ) : (
          Object.keys(errs).length === 0 && <ErrorBox error={error} />
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {t('auth.login')}
        </button>
      </form>
      <p className="center muted small login-help">
        <Link to={`/forgot-password${email ? `?email=${encodeURIComponent(email)}` : ''}`}>
          {t('acct.forgotLink')}
        </Link>
        <span aria-hidden="true"> · </span>
        <Link to="/find-account">{t('acct.findLink')}</Link>
      </p>
      <SocialButtons next={next} />
      <p className="center muted">
        {t('auth.noAccount')} <Link to={`/signup?next=${encodeURIComponent(next)}`}>{t('nav.signup')}</Link>
      </p>
      <DemoLogins next={search.get('next') ? next : '/mailbox'} />
    </section>
  );
}

export function SignupPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const next = safeNext(search.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const { busy, error, run } = useAction();
  const [created, setCreated] = useState(false);
  const errs = fieldErrors(error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      await post('/api/auth/signup', { email, password, ...(name.trim() ? { name: name.trim() } : {}) });
      setCreated(true);
    });
  };

  if (created) return <VerifyStep email={email.trim().toLowerCase()} password={password} next={next} />;

  return (
    <section className="card narrow auth-card">
      <PageTitle k="auth.signupTitle" />
      <form onSubmit={submit} className="form" noValidate>
        <EmailField value={email} onChange={setEmail} error={errs['body.email']} autoComplete="email" />
        <PasswordField value={password} onChange={setPassword} error={errs['body.password']} isNew />
        <Field label={t('auth.name')} error={errs['body.name']}>
          <input name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {t('auth.signup')}
        </button>
      </form>
      <SocialButtons next={next} />
      <p className="center muted">
        {t('auth.haveAccount')} <Link to={`/login?next=${encodeURIComponent(next)}`}>{t('nav.login')}</Link>
      </p>
      <p className="center small">
        <Link to="/consult/apply" data-testid="apply-counselor-link">
          {t('consult.counselor.applyLink')}
        </Link>
      </p>
    </section>
  );
}
