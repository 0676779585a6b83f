import { type ReactNode, useEffect, useState } from 'react';
import { get, post } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox, useAction } from '../../ui.tsx';
import './oauth.css';

export type Provider = 'kakao' | 'naver' | 'apple';

/** What the page that started a sign-in keeps for the handoff page (this tab only). */
export const BINDING_KEY = 'yeyak.oauth';
export type Pending = { binding: string; provider: Provider };

const ICONS: Record<Provider, ReactNode> = {
  kakao: (
    <svg viewBox="0 0 24 24" aria-hidden="true">
      <path
        fill="currentColor"
        d="M12 3C6.5 3 2 6.5 2 10.8c0 2.8 1.9 5.2 4.7 6.6l-1 3.6c-.1.3.3.6.6.4l4.3-2.8c.5.1.9.1 1.4.1 5.5 0 10-3.5 10-7.9S17.5 3 12 3z"
      />
    </svg>
  ),
  naver: (
    <svg viewBox="0 0 24 24" aria-hidden="true">
      <path fill="currentColor" d="M15.6 12.8 8.1 2H2v20h6.4V11.2L15.9 22H22V2h-6.4z" />
    </svg>
  ),
  apple: (
    <svg viewBox="0 0 24 24" aria-hidden="true">
      <path
        fill="currentColor"
        d="M16.4 12.6c0-2.5 2-3.7 2.1-3.8-1.2-1.7-3-1.9-3.6-2-1.5-.2-3 .9-3.8.9-.8 0-2-.9-3.3-.9-1.7 0-3.3 1-4.2 2.5-1.8 3.1-.5 7.7 1.3 10.2.9 1.2 1.9 2.6 3.2 2.6 1.3-.1 1.8-.8 3.3-.8 1.6 0 2 .8 3.4.8 1.4 0 2.3-1.3 3.1-2.5 1-1.4 1.4-2.8 1.4-2.9-.1 0-2.9-1.1-2.9-4.1zM13.9 5.1c.7-.8 1.2-2 1-3.1-1 0-2.2.7-2.9 1.5-.6.7-1.2 1.9-1 3 1.1.1 2.2-.6 2.9-1.4z"
      />
    </svg>
  ),
};

const LABEL = { kakao: 'oauth.kakao', naver: 'oauth.naver', apple: 'oauth.apple' } as const;

/**
 * "Continue with Kakao / NAVER / Apple", for the providers the server offers. A click asks the
 * server for the provider's address and a binding secret, keeps the secret in this tab's
 * sessionStorage (the handoff page proves with it that the sign-in started here), and leaves.
 */
export function SocialButtons({ next }: { next: string }) {
  const { t } = useI18n();
  const [providers, setProviders] = useState<{ provider: Provider; standIn: boolean }[]>([]);
  const { busy, error, run } = useAction();

  useEffect(() => {
    let live = true;
    get<{ providers: { provider: Provider; standIn: boolean }[] }>('/api/auth/oauth/providers')
      .then((d) => live && setProviders(d.providers))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  if (providers.length === 0) return null;

  const go = (provider: Provider) =>
    run(async () => {
      const d = await post<{ url: string; binding: string }>(`/api/auth/oauth/${provider}/start`, { next });
      const pending: Pending = { binding: d.binding, provider };
      sessionStorage.setItem(BINDING_KEY, JSON.stringify(pending));
      window.location.assign(d.url);
    });

  return (
    <div data-testid="social-login">
      <div className="social-divider">{t('oauth.or')}</div>
      <div className="social-buttons">
        {providers.map(({ provider }) => (
          <button
            key={provider}
            type="button"
            className={`social-btn social-${provider}`}
            data-provider={provider}
            disabled={busy}
            onClick={() => go(provider)}
          >
            {ICONS[provider]}
            {t(LABEL[provider])}
          </button>
        ))}
      </div>
      {providers.some((p) => p.standIn) && <p className="social-note">{t('oauth.demo')}</p>}
      <ErrorBox error={error} />
    </div>
  );
}
