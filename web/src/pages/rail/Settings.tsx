import { type FormEvent, useState } from 'react';
import { ApiError, del, get, post, put } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { codedMessage } from '../../messages.ts';
import { Badge, ErrorBox, Field, fieldErrors, Loading, useAction, useLoad } from '../../ui.tsx';
import { label, type NotifySettings, type Provider, type RailAccount } from './api.ts';
import { railMessage, useRailT } from './i18n.ts';
import { RailLayout, useSandbox } from './Layout.tsx';
import { TelegramLink } from './TelegramLink.tsx';

function AccountForm({
  provider,
  account,
  onSaved,
}: {
  provider: Provider;
  account?: RailAccount;
  onSaved: () => void;
}) {
  const t = useRailT();
  const { lang } = useI18n();
  const sandbox = useSandbox();
  const [id, setId] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      await put(`/api/rail/accounts/${provider}`, { id, password });
      setPassword('');
      onSaved();
    });
  };
  const errs = fieldErrors(error);
  return (
    <form className="card form" onSubmit={save} data-testid={`rail-account-${provider}`}>
      <div className="row">
        <h3 style={{ margin: 0 }}>{label(provider)}</h3>
        {account ? (
          <span>
            <Badge tone={account.status === 'ok' ? 'green' : 'red'}>
              {codedMessage({ key: `rail.status.${account.status}` }, account.status, lang)}
            </Badge>{' '}
            {account.loginHint} {account.memberName}
          </span>
        ) : (
          <span className="muted">{t('set.none')}</span>
        )}
      </div>
      {account?.lastError && <div className="field-error">{railMessage(account.lastError, lang)}</div>}
      <div className="grid-2">
        <Field label={t('set.id')} error={errs['body.id']} hint={sandbox ? '1234567890' : undefined}>
          <input value={id} onChange={(e) => setId(e.target.value)} autoComplete="off" required />
        </Field>
        <Field
          label={t('set.password')}
          error={errs['body.password']}
          hint={sandbox ? 'sim-password' : undefined}
        >
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
            required
          />
        </Field>
      </div>
      <ErrorBox
        error={
          Object.keys(errs).length
            ? undefined
            : error instanceof ApiError
              ? new ApiError(error.status, railMessage(error.message, lang), error.data)
              : error
        }
      />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('set.save')}
        </button>
        {account && (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={async () => {
              await del(`/api/rail/accounts/${provider}`);
              onSaved();
            }}
          >
            {t('set.remove')}
          </button>
        )}
      </div>
    </form>
  );
}

function NotifyForm({ settings, onSaved }: { settings: NotifySettings; onSaved: () => void }) {
  const t = useRailT();
  const [email, setEmail] = useState(settings.email);
  const [discord, setDiscord] = useState('');
  const [slack, setSlack] = useState('');
  const [telegram, setTelegram] = useState(settings.telegramChatId ?? '');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      await put('/api/rail/notifications', {
        email,
        ...(discord ? { discordWebhook: discord } : {}),
        ...(slack ? { slackWebhook: slack } : {}),
        ...(settings.telegramAvailable ? { telegramChatId: telegram || null } : {}),
      });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const errs = fieldErrors(error);
  return (
    <form className="card form" onSubmit={save} data-testid="rail-notify">
      <h3 style={{ margin: 0 }}>{t('set.notify')}</h3>
      <label className="actions">
        <input
          type="checkbox"
          checked={email}
          onChange={(e) => setEmail(e.target.checked)}
          style={{ width: 'auto' }}
        />
        {t('set.email')}
      </label>
      <Field
        label={t('set.discord')}
        error={errs['body.discordWebhook']}
        hint={settings.discord ? t('set.configured') : undefined}
      >
        <input
          value={discord}
          onChange={(e) => setDiscord(e.target.value)}
          placeholder="https://discord.com/api/webhooks/…"
        />
      </Field>
      <Field
        label={t('set.slack')}
        error={errs['body.slackWebhook']}
        hint={settings.slack ? t('set.configured') : undefined}
      >
        <input
          value={slack}
          onChange={(e) => setSlack(e.target.value)}
          placeholder="https://hooks.slack.com/services/…"
        />
      </Field>
      {settings.telegramAvailable && (
        <Field label={t('set.telegram')} error={errs['body.telegramChatId']}>
          <input value={telegram} onChange={(e) => setTelegram(e.target.value)} />
        </Field>
      )}
      <ErrorBox error={Object.keys(errs).length ? undefined : error} />
      {saved && <div className="alert alert-success">{t('set.saved')}</div>}
      <div className="actions">
        <button type="submit" className="btn btn-primary">
          {t('watches.save')}
        </button>
      </div>
    </form>
  );
}

function KakaoLink() {
  const t = useRailT();
  const [code, setCode] = useState<{ code: string; expiresAt: string }>();
  const [error, setError] = useState<unknown>();
  return (
    <div className="card form" data-testid="rail-kakao">
      <h3 style={{ margin: 0 }}>{t('set.kakao')}</h3>
      <p className="muted small">{t('set.kakaoHint')}</p>
      {code && (
        <p>
          <strong style={{ fontSize: '1.6rem', letterSpacing: '0.2em' }}>연결 {code.code}</strong>
        </p>
      )}
      <ErrorBox error={error} />
      <div className="actions">
        <button
          type="button"
          className="btn btn-secondary"
          onClick={async () => {
            try {
              setCode(await post<{ code: string; expiresAt: string }>('/api/rail/kakao/code'));
            } catch (err) {
              setError(err);
            }
          }}
        >
          {t('set.kakaoCode')}
        </button>
      </div>
    </div>
  );
}

export function RailSettingsPage() {
  const t = useRailT();
  const { data, error, loading, reload } = useLoad(
    async () => ({
      accounts: (await get<{ accounts: RailAccount[] }>('/api/rail/accounts')).accounts,
      settings: (await get<{ settings: NotifySettings }>('/api/rail/notifications')).settings,
    }),
    [],
  );
  return (
    <RailLayout title="tabs.settings">
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data ? (
        <Loading />
      ) : (
        data && (
          <div style={{ display: 'grid', gap: 16 }}>
            <p className="muted">{t('set.accountsHint')}</p>
            {(['srt', 'korail'] as const).map((p) => (
              <AccountForm
                key={p}
                provider={p}
                account={data.accounts.find((a) => a.provider === p)}
                onSaved={reload}
              />
            ))}
            {/* Linking Telegram fills the chat id: the form starts again from the saved settings. */}
            <NotifyForm key={data.settings.telegramChatId ?? ''} settings={data.settings} onSaved={reload} />
            <TelegramLink onLinked={reload} />
            <KakaoLink />
          </div>
        )
      )}
    </RailLayout>
  );
}
