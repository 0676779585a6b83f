import { useState } from 'react';
import { dataUrl, download, get, type MailMessage, type MailSummary } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { DemoLogins, useDemo } from '../demo.tsx';
import { shortDateTime } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { usePoll } from '../poll.ts';
import { Link } from '../router.tsx';
import { ErrorBox, Loading, PageTitle, RequireAuth, useLoad } from '../ui.tsx';

const kb = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`);

/** The mail's HTML for a sandboxed iframe: parts inlined as data: URLs (they may need the token), links open outside. */
async function mailDocument(m: MailMessage): Promise<string> {
  let html = m.html ?? '';
  const urls = new Set(html.match(/\/api\/mailbox\/\d+\/parts\/\d+/g) ?? []);
  for (const url of urls) {
    try {
      html = html.split(url).join(await dataUrl(url));
    } catch {
      // leave the URL; the browser may still load it
    }
  }
  const base =
    '<base target="_blank"><style>body{margin:0;padding:16px;font-family:system-ui,sans-serif}</style>';
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (h) => h + base) : base + html;
}

function MessageView({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const [error, setError] = useState<unknown>();
  const {
    data,
    error: loadError,
    loading,
    reload,
  } = useLoad(async () => {
    const { message } = await get<{ message: MailMessage }>(`/api/mailbox/${id}`);
    return { message, doc: message.html ? await mailDocument(message) : null };
  }, [id]);
  if (loading) return <Loading />;
  if (!data) return <ErrorBox error={loadError} onRetry={reload} />;
  const m = data.message;
  const save = async (path: string, name: string) => {
    setError(undefined);
    try {
      await download(path, name);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <article className="mail-view" data-testid="mail-view">
      <h2 className="mail-subject">{m.subject}</h2>
      <dl className="mail-meta">
        <dt>{t('mail.from')}</dt>
        <dd>{m.from}</dd>
        <dt>{t('mail.to')}</dt>
        <dd>{m.to.join(', ')}</dd>
        <dt>{t('mail.date')}</dt>
        <dd>{shortDateTime(m.createdAt, undefined, lang)}</dd>
      </dl>
      {data.doc !== null ? (
        <iframe
          className="mail-frame"
          title={m.subject}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          srcDoc={data.doc}
        />
      ) : (
        <pre className="mail-text">{m.text}</pre>
      )}
      {m.attachments.length > 0 && (
        <div className="mail-attachments">
          <h3>{t('mail.attachments')}</h3>
          <ul>
            {m.attachments.map((a) => (
              <li key={a.index}>
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid="attachment"
                  data-content-type={a.contentType}
                  data-part={`/api/mailbox/${m.id}/parts/${a.index}`}
                  onClick={() => save(`/api/mailbox/${m.id}/parts/${a.index}`, a.filename)}
                >
                  ⬇ {a.filename}
                </button>{' '}
                <span className="muted small">
                  {a.contentType} · {kb(a.size)}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <button
        type="button"
        className="btn btn-small btn-ghost"
        onClick={() => save(`/api/mailbox/${m.id}/raw`, `mail-${m.id}.eml`)}
      >
        {t('mail.raw')}
      </button>
      <ErrorBox error={error} />
    </article>
  );
}

/** Mail is private: without login the page asks for one (in demo mode, one click into a demo account). */
export function MailboxPage({ id }: { id?: number }) {
  const { user, ready } = useAuth();
  const { demo } = useDemo();
  const { t } = useI18n();
  if (ready && !user && demo) {
    return (
      <section className="card narrow auth-card" data-testid="mailbox-login">
        <PageTitle k="mail.title" />
        <p>{t('demo.mailboxLogin')}</p>
        <DemoLogins next={id ? `/mailbox/${id}` : '/mailbox'} />
      </section>
    );
  }
  return (
    <RequireAuth>
      <Mailbox id={id} />
    </RequireAuth>
  );
}

function Mailbox({ id }: { id?: number }) {
  const { t, lang } = useI18n();
  const { data, error, loading, reload, setData } = useLoad(
    () => get<{ messages: MailSummary[] }>('/api/mailbox'),
    [],
  );
  usePoll<{ messages: MailSummary[] }>('/api/mailbox', {
    intervalMs: 5000,
    onData: setData,
    immediate: false,
  });
  return (
    <section className="mailbox">
      <div className="page-head row">
        <div>
          <PageTitle k="mail.title" />
          <p className="muted small">
            {t('mail.subtitle')} {t('mail.autoRefresh')}
          </p>
        </div>
        <button type="button" className="btn btn-ghost" onClick={reload}>
          ↻ {t('common.refresh')}
        </button>
      </div>
      <ErrorBox error={error} onRetry={reload} />
      <div className={`mailbox-grid${id ? ' has-message' : ''}`}>
        <ul className="mail-list" data-testid="mail-list">
          {loading && (
            <li>
              <Loading />
            </li>
          )}
          {data?.messages.length === 0 && <li className="empty">{t('mail.empty')}</li>}
          {data?.messages.map((m) => (
            <li key={m.id}>
              <Link
                to={`/mailbox/${m.id}`}
                className={`mail-item${m.id === id ? ' active' : ''}`}
                data-testid="mail-item"
              >
                <span className="mail-item-subject">{m.subject}</span>
                <span className="mail-item-meta">
                  <span>{m.to.join(', ')}</span>
                  <span>{shortDateTime(m.createdAt, undefined, lang)}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
        <div className="mail-pane card">
          {id ? <MessageView id={id} /> : <p className="muted">{t('mail.pick')}</p>}
        </div>
      </div>
    </section>
  );
}
