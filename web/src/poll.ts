import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, getIfChanged } from './api.ts';

export type PollOptions<T> = {
  /** time between polls while the page is visible and answers come */
  intervalMs: number;
  /** time between polls while the page is hidden (default: no polls while hidden) */
  hiddenIntervalMs?: number;
  /** the longest wait after repeated errors (default 5 min) */
  maxBackoffMs?: number;
  /** called with each new answer (not for a 304: nothing changed) */
  onData: (data: T) => void;
  /**
   * Where the last answer ended (e.g. the newest id seen): sent as `?<cursorParam>=…`, so the server
   * can answer only what is new. Read before each poll.
   */
  cursor?: () => string | undefined;
  cursorParam?: string;
  /** poll as soon as polling starts (default); false when the page has just loaded the same data */
  immediate?: boolean;
};

/** The wait before the next poll: the interval, doubled per failure in a row, ±20 % so clients spread out. */
export function nextDelay(intervalMs: number, failures: number, maxBackoffMs: number, random = Math.random) {
  const base = failures === 0 ? intervalMs : Math.min(maxBackoffMs, intervalMs * 2 ** failures);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The time between polls for the page's visibility; undefined: no polling while hidden. */
export function pollInterval(visible: boolean, intervalMs: number, hiddenIntervalMs?: number) {
  if (visible) return intervalMs;
  return hiddenIntervalMs && hiddenIntervalMs > 0 ? hiddenIntervalMs : undefined;
}

/**
 * Asks `path` again and again while the page is visible: while it is hidden, every
 * `hiddenIntervalMs` (none without it); at once when it shows again. Each poll sends the ETag of the last answer (a 304 costs the server no body and the
 * page no render) and the cursor; errors back off. `path` null: no polling (e.g. logged out).
 * Returns `refresh` (poll now, e.g. after the user changed something) and how many polls in a row
 * failed (pages show a "reconnecting" hint from it), and `gone` once the server said the thing is
 * not there or not the user's (403/404/410): polling stops then.
 */
export function usePoll<T>(path: string | null, opts: PollOptions<T>) {
  const optsRef = useRef(opts);
  optsRef.current = opts;
  const [failures, setFailures] = useState(0);
  const [gone, setGone] = useState(false);
  const pollRef = useRef<() => void>(() => {});

  useEffect(() => {
    if (!path) return;
    setGone(false);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let running = false;
    let failed = 0;
    // The ETag belongs to one URL: a new cursor is a new URL, so the tag is kept per URL.
    let tagged: { url: string; etag: string | undefined } | undefined;

    const url = () => {
      const { cursor, cursorParam = 'after' } = optsRef.current;
      const c = cursor?.();
      if (c === undefined) return path;
      return `${path}${path.includes('?') ? '&' : '?'}${cursorParam}=${encodeURIComponent(c)}`;
    };
    const schedule = () => {
      clearTimeout(timer);
      if (stopped) return;
      const { intervalMs, hiddenIntervalMs, maxBackoffMs = 300_000 } = optsRef.current;
      const every = pollInterval(document.visibilityState === 'visible', intervalMs, hiddenIntervalMs);
      if (every === undefined) return;
      timer = setTimeout(() => void poll(), nextDelay(every, failed, maxBackoffMs));
    };
    const poll = async () => {
      if (stopped || running) return;
      running = true;
      clearTimeout(timer);
      try {
        const u = url();
        const answer = await getIfChanged<T>(u, tagged?.url === u ? tagged.etag : undefined);
        if (stopped) return;
        if (answer) {
          tagged = { url: u, etag: answer.etag };
          optsRef.current.onData(answer.data);
        }
        if (failed) setFailures(0);
        failed = 0;
      } catch (e) {
        // Not found or not yours will not change by asking again: stop, and let the page say so.
        if (e instanceof ApiError && (e.status === 403 || e.status === 404 || e.status === 410)) {
          stopped = true;
          setGone(true);
          return;
        }
        failed += 1;
        if (!stopped) setFailures(failed);
      } finally {
        running = false;
        schedule();
      }
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') void poll();
      else schedule();
    };
    pollRef.current = () => void poll();
    if (optsRef.current.immediate === false) schedule();
    else void poll();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stopped = true;
      clearTimeout(timer);
      pollRef.current = () => {};
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [path]);

  const refresh = useCallback(() => pollRef.current(), []);
  return { refresh, failures, gone };
}
