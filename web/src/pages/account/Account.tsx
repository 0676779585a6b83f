import { type FormEvent, useState } from 'react';
import { api, get, post, type User } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { useI18n } from '../../i18n.tsx';
import { navigate } from '../../router.tsx';
import {
  ErrorBox,
  Field,
  fieldErrors,
  Loading,
  PageTitle,
  useAction,
  useConfirm,
  useLoad,
} from '../../ui.tsx';
import { PasswordField } from '../account-fields.tsx';

type Me = { user: User; signInMethods: string[] };

function ProfileForm({ me }: { me: User }) {
  const { t, lang: pageLang, setLang } = useI18n();
  const { update } = useAuth();
  const [nickname, setNickname] = useState(me.nickname ?? '');
  // The language the page is in is the one the reader chose last: saving keeps it, not an older one.
  const [lang, setUserLang] = useState<'ko' | 'en'>(
    pageLang === 'en' || pageLang === 'ko' ? pageLang : (me.lang ?? 'ko'),
  );
  const [intro, setIntro] = useState(me.intro);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const errs = fieldErrors(error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    await run(async () => {
      const { user } = await api<{ user: User }>('PATCH', '/api/auth/profile', {
        nickname: nickname.trim() ? nickname : null,
        intro,
        lang,
      });
      update(user);
      setLang(user.lang ?? 'ko');
      setNickname(user.nickname ?? '');
      setIntro(user.intro);
      setSaved(true);
    });
  };
  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="profile-form">
      <h2>{t('acct.profile')}</h2>
      <p className="muted small">{me.email}</p>
      <Field label={t('acct.nickname')} error={errs['body.nickname']} hint={t('acct.nicknameHint')}>
        <input
          name="nickname"
          maxLength={40}
          value={nickname}
          onChange={(e) => setNickname(e.target.value)}
        />
      </Field>
      <Field
        label={t('acct.intro')}
        error={errs['body.intro']}
        hint={t('acct.introHint', { n: intro.length })}
      >
        <textarea name="intro" rows={4} value={intro} onChange={(e) => setIntro(e.target.value)} />
      </Field>
      <Field label={t('acct.lang')} error={errs['body.lang']} hint={t('acct.langHint')}>
        <select name="lang" value={lang} onChange={(e) => setUserLang(e.target.value === 'en' ? 'en' : 'ko')}>
          <option value="ko">한국어</option>
          <option value="en">English</option>
        </select>
      </Field>
      {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
      {saved && (
        <div className="alert alert-success" role="status">
          {t('acct.saved')}
        </div>
      )}
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {t('common.save')}
      </button>
    </form>
  );
}

/** Withdrawal: a clear warning, the password (or a mailed code without one), and a last yes/no. */
function WithdrawForm({ hasPassword }: { hasPassword: boolean }) {
  const { t } = useI18n();
  const { forget } = useAuth();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [codeSent, setCodeSent] = useState(false);
  const { busy, error, run } = useAction();
  const { ask, element } = useConfirm();
  const errs = fieldErrors(error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!(await ask(t('acct.withdrawAsk')))) return;
    await run(async () => {
      await post('/api/auth/withdraw', hasPassword ? { password } : { code: code.trim() });
      forget();
      navigate('/login?withdrawn=1', { replace: true });
    });
  };
  return (
    <form className="card form danger-zone" onSubmit={submit} noValidate data-testid="withdraw-form">
      <h2>{t('acct.withdrawTitle')}</h2>
      <p>{t('acct.withdrawText')}</p>
      {hasPassword ? (
        <PasswordField
          value={password}
          onChange={setPassword}
          error={errs['body.password']}
          label={t('acct.withdrawPassword')}
        />
      ) : (
        <>
          <p className="muted">{t('acct.withdrawCodeText')}</p>
          <button
            type="button"
            className="btn"
            disabled={busy}
            onClick={() =>
              run(async () => {
                await post('/api/auth/withdraw/code');
                setCodeSent(true);
              })
            }
          >
            {t('acct.withdrawSendCode')}
          </button>
          {codeSent && <div className="alert alert-info">{t('acct.withdrawCodeSent')}</div>}
          <Field label={t('acct.code')} error={errs['body.code']}>
            <input
              name="code"
              inputMode="numeric"
              maxLength={6}
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            />
          </Field>
        </>
      )}
      {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
      {element}
      <button type="submit" className="btn btn-danger" disabled={busy}>
        {t('acct.withdrawButton')}
      </button>
    </form>
  );
}

/** The account area: the profile (nickname, intro) and withdrawal. */
export function AccountPage() {
  const { data, error, loading, reload } = useLoad(() => get<Me>('/api/auth/me'), []);
  return (
    <section className="narrow account-page">
      <PageTitle k="acct.profileTitle" />
      <ErrorBox error={error} onRetry={reload} />
      {loading && <Loading />}
      {data && (
        <>
          <ProfileForm me={data.user} />
          <WithdrawForm hasPassword={data.signInMethods.includes('password')} />
        </>
      )}
    </section>
  );
}
