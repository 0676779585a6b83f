import { useEffect, useState } from 'react';
import { del, get, post } from '../../api.ts';
import { Badge, ErrorBox } from '../../ui.tsx';
import { useRailT } from './i18n.ts';

type LinkState = { available: boolean; linked: boolean; bot: string | null };
type LinkCode = { code: string; link: string | null; expiresAt: string };

/**
 * "Telegram 연결": a one-time deep link (t.me/<bot>?start=<code>) that links the chat where the user
 * presses Start; the linked state, checked every few seconds while a link is out; unlinking.
 * Hidden on a server without a Telegram bot.
 */
export function TelegramLink({ onLinked }: { onLinked: () => void }) {
  const t = useRailT();
  const [state, setState] = useState<LinkState>();
  const [code, setCode] = useState<LinkCode>();
  const [error, setError] = useState<unknown>();

  const load = async () => {
    try {
      const s = await get<LinkState>('/api/rail/telegram');
      setState(s);
      return s;
    } catch (err) {
      setError(err);
      return undefined;
    }
  };
  useEffect(() => {
    void load();
  }, []);
  // While a link is out, see whether the user pressed Start (until the code expires).
  useEffect(() => {
    if (!code) return;
    const until = new Date(code.expiresAt).getTime();
    const timer = setInterval(async () => {
      const s = await load();
      if (s?.linked || Date.now() > until) {
        clearInterval(timer);
        if (s?.linked) {
          setCode(undefined);
          onLinked();
        }
      }
    }, 2000);
    return () => clearInterval(timer);
  }, [code]);

  if (!state?.available) return error ? <ErrorBox error={error} /> : null;
  const command = code ? `/start ${code.code}` : '';
  return (
    <div className="card form" data-testid="rail-telegram">
      <div className="row">
        <h3 style={{ margin: 0 }}>{t('set.tg')}</h3>
        <span data-testid="rail-telegram-state">
          <Badge tone={state.linked ? 'green' : 'gray'}>
            {t(state.linked ? 'set.tgLinked' : 'set.tgNotLinked')}
          </Badge>
        </span>
      </div>
      <p className="muted small">{t('set.tgHint')}</p>
      {code && (
        <div data-testid="rail-telegram-code" style={{ display: 'grid', gap: 8 }}>
          {code.link && (
            <a
              className="btn btn-primary"
              href={code.link}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="rail-telegram-open"
              style={{ justifySelf: 'start' }}
            >
              {t('set.tgOpen')}
            </a>
          )}
          <span className="muted small">
            {state.bot ? t('set.tgOr', { bot: state.bot }) : t('set.tgNoBot')}
          </span>
          <code style={{ fontSize: '1.2rem', letterSpacing: '0.05em', overflowWrap: 'anywhere' }}>
            {command}
          </code>
          <span className="muted small">{t('set.tgWaiting')}</span>
        </div>
      )}
      <ErrorBox error={error} />
      <div className="actions">
        <button
          type="button"
          className="btn btn-secondary"
          onClick={async () => {
            setError(undefined);
            try {
              setCode(await post<LinkCode>('/api/rail/telegram/code'));
            } catch (err) {
              setError(err);
            }
          }}
        >
          {t('set.tgGet')}
        </button>
        {state.linked && (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={async () => {
              setError(undefined);
              try {
                await del('/api/rail/telegram');
                await load();
                onLinked();
              } catch (err) {
                setError(err);
              }
            }}
          >
            {t('set.tgUnlink')}
          </button>
        )}
      </div>
    </div>
  );
}
