import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, post, tokenStore } from '../../api.ts';
import { type Lang, useI18n } from '../../i18n.tsx';
import { Link, useLocation } from '../../router.tsx';
import { ErrorBox, Field, fieldErrors, Loading, useAction } from '../../ui.tsx';
import { PasswordField } from '../account-fields.tsx';
import type { OAuthKey } from './i18n.ts';
import { BINDING_KEY, type Pending, type Provider } from './SocialButtons.tsx';

type Login = { token: string; next: string };
type LinkRequired = { link: string; email: string; methods: string[]; provider: Provider; binding: string };

/** The providers' names as each language writes them. */
const NAMES: Record<Lang, Record<Provider, string>> = {
  ko: { kakao: '카카오', naver: '네이버', apple: 'Apple' },
  en: { kakao: 'Kakao', naver: 'NAVER', apple: 'Apple' },
};
const REASONS = ['access_denied', 'state', 'invalid_grant', 'binding', 'handoff', 'upstream'];

/** The server's refusal reason (`id_token_nonce` …) → the words that explain it. */
function reasonKey(reason: string): OAuthKey {
  if (reason.startsWith('id_token')) return 'oauth.error.id_token';
  return (REASONS.includes(reason) ? `oauth.error.${reason}` : 'oauth.error.other') as OAuthKey;
}

/** Codes already posted by this page load (React runs effects twice in development). */
const posted = new Set<string>();

function finish(d: Login) {
  tokenStore.set(d.token);
  sessionStorage.removeItem(BINDING_KEY);
  // A full load, so the whole app starts with the new login.
  window.location.replace(d.next);
}

function readPending(): Pending | undefined {
  try {
    const v = JSON.parse(sessionStorage.getItem(BINDING_KEY) ?? 'null') as Pending | null;
    return v && typeof v.binding === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `/login/oauth`: where a social sign-in comes back. It redeems the handoff code with the binding
 * secret this tab kept, then logs in; or asks the existing account to prove itself before linking;
 * or says, in the reader's language, why signing in did not happen.
 */
export function OAuthHandoffPage() {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const handoff = search.get('handoff');
  // Neither a code nor an error: a stale or hand-typed address.
  const [reason, setReason] = useState<string | undefined>(
    search.get('error') ?? (handoff ? undefined : 'handoff'),
  );
  const [provider, setProvider] = useState<Provider | undefined>(
    (search.get('provider') as Provider | null) ?? readPending()?.provider,
  );
  const [link, setLink] = useState<LinkRequired>();

  useEffect(() => {
    if (!handoff || posted.has(handoff)) return;
    posted.add(handoff);
    const pending = readPending();
    if (!pending) {
      setReason('binding');
      return;
    }
    setProvider(pending.provider);
    post<Login>('/api/auth/oauth/handoff', { handoff, binding: pending.binding })
      .then(finish)
      .catch((err: unknown) => {
        const data = err instanceof ApiError ? err.data : undefined;
        if (err instanceof ApiError && err.status === 409 && data?.reason === 'link_required') {
          setLink({
            link: String(data.link),
            email: String(data.email),
            methods: Array.isArray(data.methods) ? data.methods.map(String) : ['code'],
            provider: pending.provider,
            binding: pending.binding,
          });
          return;
        }
        setReason(typeof data?.reason === 'string' ? data.reason : 'other');
      });
  }, [handoff]);

  const name = provider ? NAMES[lang][provider] : '';
  if (link) return <LinkStep l={link} />;
  return (
    <section className="card narrow auth-card" data-testid="oauth-handoff">
      <h1>{t('oauth.title')}</h1>
      {reason ? (
        <>
          <div className="alert alert-error" role="alert" data-testid="oauth-error" data-reason={reason}>
            {t(reasonKey(reason), { provider: name })}
          </div>
          <Link to="/login" className="btn btn-primary btn-block">
            {t('oauth.back')}
          </Link>
        </>
      ) : (
        <>
          <p>{t('oauth.working')}</p>
          <Loading />
        </>
      )}
    </section>
  );
}

/** The account with the provider's e-mail proves itself: its password, or a code mailed to it. */
function LinkStep({ l }: { l: LinkRequired }) {
  const { t, lang } = useI18n();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const { busy, error, setError, run } = useAction();
  const errs = fieldErrors(error);
  // The server's refusals, in the reader's language.
  const data = error instanceof ApiError ? error.data : undefined;
  const reason = typeof data?.reason === 'string' ? data.reason : '';
  if (reason === 'link_proof' && data?.spent !== true) {
    if (errs['body.password']) errs['body.password'] = t('oauth.link.wrongPassword');
    if (errs['body.code']) errs['body.code'] = t('oauth.link.wrongCode');
  }
  const over =
    reason === 'link_proof' && data?.spent === true
      ? t('oauth.link.spent')
      : reason === 'link' || reason === 'binding'
        ? t('oauth.link.gone')
        : undefined;
  const shown: Record<string, string> = over ? {} : errs;
  const name = NAMES[lang][l.provider];
  const byPassword = l.methods.includes('password');

  const confirm = (proof: { password: string } | { code: string }) => (e: FormEvent) => {
    e.preventDefault();
    void run(async () =>
      finish(
        await post<Login>('/api/auth/oauth/link/confirm', { link: l.link, binding: l.binding, ...proof }),
      ),
    );
  };
  const sendCode = async () => {
    setError(undefined);
    try {
      await post('/api/auth/oauth/link/code', { link: l.link, binding: l.binding });
      setSent(true);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card narrow auth-card" data-testid="oauth-link">
      <h1>{t('oauth.link.title')}</h1>
      <p>{t('oauth.link.intro', { email: l.email, provider: name })}</p>
      {byPassword ? (
        <form onSubmit={confirm({ password })} className="form">
          <strong>{t('oauth.link.byPassword')}</strong>
          <PasswordField value={password} onChange={setPassword} error={shown['body.password']} />
          <button type="submit" className="btn btn-primary btn-block" disabled={busy || !password}>
            {t('oauth.link.confirm')}
          </button>
        </form>
      ) : (
        <p className="muted">{t('oauth.link.codeOnly')}</p>
      )}
      <form onSubmit={confirm({ code })} className="form" style={{ marginTop: 18 }}>
        {byPassword && <strong>{t('oauth.link.byCode')}</strong>}
        {sent ? (
          <>
            <div className="alert alert-success">{t('oauth.link.codeSent', { email: l.email })}</div>
            <Field label={t('oauth.link.code')} error={shown['body.code']}>
              <input
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                className="code-input"
                value={code}
                onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
              />
            </Field>
            <button type="submit" className="btn btn-primary btn-block" disabled={busy || code.length !== 6}>
              {t('oauth.link.confirm')}
            </button>
          </>
        ) : (
          <button type="button" className="btn btn-block" onClick={sendCode}>
            {t('oauth.link.sendCode')}
          </button>
        )}
      </form>
      {over ? (
        <div className="alert alert-error" role="alert" data-testid="oauth-link-over">
          {over}
        </div>
      ) : (
        Object.keys(errs).length === 0 && <ErrorBox error={error} />
      )}
      <Link
        to="/login"
        className="btn btn-ghost btn-block"
        onClick={() => sessionStorage.removeItem(BINDING_KEY)}
      >
        {t('oauth.link.cancel')}
      </Link>
    </section>
  );
}
