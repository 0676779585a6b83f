import { type FormEvent, useState } from 'react';
import type { Balance, StatementLine } from '../../../../../src/modules/consult/wallet.ts';
import { api, get, type User } from '../../../api.ts';
import { useAuth } from '../../../auth.tsx';
import { shortDateTime } from '../../../format.ts';
import { useI18n } from '../../../i18n.tsx';
import { Link } from '../../../router.tsx';
import { ErrorBox, Field, fieldErrors, Loading, useAction, useLoad } from '../../../ui.tsx';
import { ImageUpload } from '../../../upload.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { BalanceCard, pts } from '../points/Shop.tsx';
import '../points/points.css';
import './profile.css';

type Profile = { phone: string | null; image: { id: string; url: string; thumb: string } | null };

/** 01012345678 shown as 010-1234-5678. */
const showPhone = (p: string | null) => (p ? p.replace(/^(\d{3})(\d{3,4})(\d{4})$/, '$1-$2-$3') : '');

const KINDS = new Set(['signup_bonus', 'purchase', 'purchase_bonus', 'purchase_refund']);

/** The picture: upload one of yours, then it becomes the profile's. */
function Picture({ profile, onSaved }: { profile: Profile; onSaved: (p: Profile) => void }) {
  const { t } = useI18n();
  const { error, run } = useAction();
  return (
    <div className="consult-avatar-row">
      {profile.image ? (
        <img
          className="consult-avatar"
          src={profile.image.thumb}
          alt={t('consult.profile.picture')}
          width={72}
          height={72}
        />
      ) : (
        <div className="consult-avatar consult-avatar-empty">{t('consult.profile.noPicture')}</div>
      )}
      <ImageUpload
        purpose="profile"
        hasImage={!!profile.image}
        onUploaded={(f) =>
          void run(async () =>
            onSaved(
              (await api<{ profile: Profile }>('PATCH', '/api/consult/profile', { imageFileId: f.id }))
                .profile,
            ),
          )
        }
      />
      <ErrorBox error={error} />
    </div>
  );
}

/** Nickname and intro (the account's) and the phone (the marketplace's), saved together. */
function AboutForm({ me, profile, onSaved }: { me: User; profile: Profile; onSaved: (p: Profile) => void }) {
  const { t } = useI18n();
  const { update } = useAuth();
  const [nickname, setNickname] = useState(me.nickname ?? '');
  const [intro, setIntro] = useState(me.intro);
  const [phone, setPhone] = useState(showPhone(profile.phone));
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const errs = fieldErrors(error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    void run(async () => {
      const { profile: p } = await api<{ profile: Profile }>('PATCH', '/api/consult/profile', {
        phone: phone.trim() ? phone.trim() : null,
      });
      const { user } = await api<{ user: User }>('PATCH', '/api/auth/profile', {
        nickname: nickname.trim() ? nickname : null,
        intro,
      });
      update(user);
      onSaved(p);
      setPhone(showPhone(p.phone));
      setSaved(true);
    });
  };
  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="consult-profile-form">
      <h2>{t('consult.profile.about')}</h2>
      <p className="muted small">{me.email}</p>
      <Field
        label={t('consult.profile.nickname')}
        error={errs['body.nickname']}
        hint={t('consult.profile.nicknameHint')}
      >
        <input
          name="nickname"
          maxLength={40}
          value={nickname}
          onChange={(e) => setNickname(e.target.value)}
        />
      </Field>
      <Field label={t('consult.profile.intro')} error={errs['body.intro']}>
        <textarea name="intro" rows={3} value={intro} onChange={(e) => setIntro(e.target.value)} />
      </Field>
      <Field
        label={t('consult.profile.phone')}
        error={errs['body.phone']}
        hint={t('consult.profile.phoneHint')}
      >
        <input
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          maxLength={20}
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          data-testid="profile-phone"
        />
      </Field>
      {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
      {saved && (
        <div className="alert alert-success" role="status">
          {t('consult.profile.saved')}
        </div>
      )}
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="profile-save">
        {t('consult.profile.save')}
      </button>
    </form>
  );
}

/** The balance (paid and bonus apart) and the latest movements. */
function Points() {
  const { t, lang } = useI18n();
  const wallet = useLoad(
    () => get<{ balance: Balance; statement: StatementLine[] }>('/api/consult/wallet?limit=20'),
    [],
  );
  return (
    <section className="card consult-points" data-testid="profile-points">
      <h2>{t('consult.profile.points')}</h2>
      {wallet.loading && <Loading />}
      <ErrorBox error={wallet.error} onRetry={wallet.reload} />
      {wallet.data && <BalanceCard balance={wallet.data.balance} />}
      <p className="points-actions">
        <Link to="/consult/points" className="btn btn-primary" data-testid="profile-buy">
          {t('consult.profile.buy')}
        </Link>
        <Link to="/consult/purchases" className="btn">
          {t('consult.profile.purchases')}
        </Link>
        <Link to="/consult/calls" className="btn" data-testid="profile-calls">
          {t('consult.call.listTitle')}
        </Link>
      </p>
      <h3>{t('consult.profile.statement')}</h3>
      {wallet.data?.statement.length === 0 && <p className="empty">{t('consult.profile.noStatement')}</p>}
      <ul className="statement" data-testid="statement">
        {wallet.data?.statement.map((l) => {
          const kind = KINDS.has(l.kind) ? l.kind : 'other';
          const amount = l.state === 'pending' ? -l.held : l.amount;
          return (
            <li key={l.id} className={`statement-line statement-${l.state}`}>
              <span>
                {t(`consult.profile.kind.${kind as 'other'}`)}
                <span className="muted small">
                  {' '}
                  ·{' '}
                  {l.wallet === 'bonus' ? t('consult.profile.walletBonus') : t('consult.profile.walletPaid')}
                  {l.state === 'pending' && ` · ${t('consult.profile.pending')}`}
                  {l.state === 'voided' && ` · ${t('consult.profile.voided')}`}
                </span>
                <span className="muted small statement-at">{shortDateTime(l.at, 'Asia/Seoul', lang)}</span>
              </span>
              <b className={amount < 0 ? 'statement-out' : 'statement-in'}>
                {amount > 0 ? '+' : ''}
                {pts(amount)}P
              </b>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** `/consult/profile`: picture, nickname, intro, phone, points and statement, and links to consents and the account. */
export function ConsultProfilePage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const load = useLoad(() => get<{ profile: Profile }>('/api/consult/profile'), []);
  const profile = load.data?.profile;
  const saved = (p: Profile) => load.setData({ profile: p });
  return (
    <ConsultLayout title={t('consult.profile.title')}>
      <div className="points-page consult-profile" data-testid="consult-profile">
        {load.loading && <Loading />}
        <ErrorBox error={load.error} onRetry={load.reload} />
        {profile && user && (
          <>
            <section className="card">
              <h2>{t('consult.profile.picture')}</h2>
              <Picture profile={profile} onSaved={saved} />
            </section>
            <Points />
            <AboutForm me={user} profile={profile} onSaved={saved} />
            <section className="card">
              <h2>{t('consult.profile.settings')}</h2>
              <ul className="link-list">
                <li>
                  <Link to="/account/notifications" data-testid="profile-consents">
                    {t('consult.profile.consents')}
                  </Link>
                </li>
                <li>
                  <Link to="/account" data-testid="profile-account">
                    {t('consult.profile.account')}
                  </Link>
                </li>
              </ul>
            </section>
          </>
        )}
      </div>
    </ConsultLayout>
  );
}
