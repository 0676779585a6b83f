import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type FieldError } from './api.ts';
import { useAuth } from './auth.tsx';
import { type Key, type Lang, type T, useI18n } from './i18n.tsx';
import { codedMessage, fieldLabel, serverMessage } from './messages.ts';
import { Link } from './router.tsx';

/** Loads data for a page; `reload` fetches again (quietly, keeping the old data on screen). */
export function useLoad<D>(load: () => Promise<D>, deps: unknown[]) {
  const [data, setData] = useState<D | undefined>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const key = JSON.stringify(deps);
  // Answers for an older key (the page moved on meanwhile) are dropped.
  const currentKey = useRef(key);
  const reload = useCallback(async () => {
    const asked = currentKey.current;
    try {
      const d = await loadRef.current();
      if (asked !== currentKey.current) return;
      setData(d);
      setError(undefined);
    } catch (err) {
      if (asked !== currentKey.current) return;
      setError(err);
    } finally {
      if (asked === currentKey.current) setLoading(false);
    }
  }, []);
  useEffect(() => {
    currentKey.current = key;
    setLoading(true);
    setData(undefined);
    setError(undefined);
    void reload();
  }, [key, reload]);
  return { data, error, loading, reload, setData };
}

/**
 * State for a button or form that calls the server: `run` clears the last error, marks the action
 * busy while `fn` runs and keeps what it throws in `error` (then calls `onError`, e.g. to reload).
 * It never throws, so code after `await run(…)` runs either way. There is no guard against a second
 * run while busy: the pages disable their buttons, and some (a rail reservation) nest a search in it.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (fn: () => Promise<unknown>, onError?: (err: unknown) => void) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (err) {
      setError(err);
      onError?.(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/** Maps server field paths (`body.showtimes.0.startsAt`) to messages. */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ApiError) {
    for (const e of err.errors) out[e.path] ??= e.message;
    // Conflicts such as a taken event code name their field as data.path.
    const path = err.data?.path;
    if (typeof path === 'string' && !out[path]) out[path] = err.message;
  }
  return out;
}

function errorText(err: unknown, t: T, lang: Lang): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('common.network');
    return codedMessage(err.coded, serverMessage(err.message, lang), lang);
  }
  return err instanceof Error ? err.message : String(err);
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, lang } = useI18n();
  if (!error) return null;
  const errors: FieldError[] = error instanceof ApiError ? error.errors : [];
  const status = error instanceof ApiError ? error.status : undefined;
  const title =
    status === 401
      ? t('common.loginRequired')
      : status === 403
        ? t('common.forbidden')
        : status === 404
          ? t('common.notFound')
          : t('common.errorTitle');
  return (
    <div className="alert alert-error" role="alert">
      <strong>{title}</strong>
      {errors.length > 0 ? (
        <>
          <div>{t('common.fieldErrors')}</div>
          <ul>
            {errors.map((e) => (
              <li key={e.path}>
                {fieldLabel(e.path, lang)}: {codedMessage(e, e.message, lang)}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <div>{errorText(error, t, lang)}</div>
      )}
      {status === 401 && (
        <div>
          <Link to={`/login?next=${encodeURIComponent(location.pathname)}`}>{t('nav.login')}</Link>
        </div>
      )}
      {onRetry && status !== 401 && status !== 403 && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <div className="loading" aria-busy="true">
      <span className="spinner" /> {t('common.loading')}
    </div>
  );
}

export function Badge({
  tone,
  children,
}: {
  tone: 'green' | 'amber' | 'red' | 'gray' | 'blue';
  children: ReactNode;
}) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  const { lang } = useI18n();
  // The server's complaint goes once the person changes the field; a new answer shows it again.
  const [edited, setEdited] = useState(false);
  useEffect(() => setEdited(false), [error]);
  const shown = edited ? undefined : error;
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child
    <label
      className={`field${shown ? ' field-invalid' : ''}`}
      onInput={() => {
        if (error) setEdited(true);
      }}
    >
      <span className="field-label">{label}</span>
      {children}
      {hint && !shown && <span className="field-hint">{hint}</span>}
      {shown && <span className="field-error">{serverMessage(shown, lang)}</span>}
    </label>
  );
}

/** A modal yes/no question; `ask` resolves with the answer. */
export function useConfirm() {
  const { t } = useI18n();
  const [question, setQuestion] = useState<{ text: string; resolve: (v: boolean) => void } | null>(null);
  const ask = useCallback(
    (text: string) => new Promise<boolean>((resolve) => setQuestion({ text, resolve })),
    [],
  );
  // The safe answer has the focus, so Enter or a stray tap does not destroy anything; Escape says no.
  const no = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!question) return;
    no.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      question.resolve(false);
      setQuestion(null);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [question]);
  const answer = (v: boolean) => {
    question?.resolve(v);
    setQuestion(null);
  };
  const element = question ? (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="confirm-text">
        <p id="confirm-text">{question.text}</p>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={() => answer(false)} ref={no}>
            {t('common.no')}
          </button>
          <button type="button" className="btn btn-danger" onClick={() => answer(true)}>
            {t('common.yes')}
          </button>
        </div>
      </div>
    </div>
  ) : null;
  return { ask, element };
}

/** Renders children only for logged-in users (with one of `roles`), else a login prompt. */
export function RequireAuth({ roles, children }: { roles?: string[]; children: ReactNode }) {
  const { user, ready } = useAuth();
  const { t } = useI18n();
  if (!ready) return <Loading />;
  if (!user) {
    return (
      <div className="card narrow center">
        <p>{t('common.loginRequired')}</p>
        <Link className="btn btn-primary" to={`/login?next=${encodeURIComponent(location.pathname)}`}>
          {t('nav.login')}
        </Link>
      </div>
    );
  }
  if (roles && !roles.includes(user.role)) {
    return <div className="alert alert-error">{t('common.forbidden')}</div>;
  }
  return <>{children}</>;
}

export function PageTitle({ k, children }: { k?: Key; children?: ReactNode }) {
  const { t } = useI18n();
  const text = k ? t(k) : undefined;
  useEffect(() => {
    if (text) document.title = `${text} · yeyak`;
  }, [text]);
  return <h1>{children ?? text}</h1>;
}

export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/**
 * A table's frame, scrolling sideways when the table is wider than the screen. While it scrolls it
 * is a named region in the tab order, so a keyboard user can reach and scroll it (WCAG 2.1.1); a
 * table that fits stays out of the tab order.
 */
export function TableWrap({ label, children }: { label?: string; children: ReactNode }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const name = label ?? t('common.table');
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const mark = () => {
      if (el.scrollWidth > el.clientWidth + 1) {
        el.tabIndex = 0;
        el.setAttribute('role', 'region');
        el.setAttribute('aria-label', name);
      } else {
        el.removeAttribute('tabindex');
        el.removeAttribute('role');
        el.removeAttribute('aria-label');
      }
    };
    mark();
    const seen = new ResizeObserver(mark);
    seen.observe(el);
    if (el.firstElementChild) seen.observe(el.firstElementChild);
    return () => seen.disconnect();
  }, [name]);
  return (
    <div className="table-wrap" ref={ref}>
      {children}
    </div>
  );
}
