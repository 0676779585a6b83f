import { useEffect, useRef } from 'react';

/**
 * Every page gets its own document title (browser tabs, history, screen readers): a page that sets
 * one itself keeps it; any other is named after its heading (the first h1 in <main>), followed as
 * the page loads and changes, else the app's name.
 */
export function useAutoTitle(path: string, lang: string) {
  /** The title the previous page left; still showing means the new page set none. */
  const stale = useRef(typeof document === 'undefined' ? '' : document.title);
  /** The title this hook set last. */
  const auto = useRef('');
  useEffect(() => {
    void lang; // a language switch renames the page
    const main = document.querySelector('main');
    if (!main) return;
    const apply = () => {
      if (document.title !== stale.current && document.title !== auto.current) return;
      const heading = main.querySelector('h1')?.textContent?.replace(/\s+/g, ' ').trim();
      const next = heading ? `${heading} · yeyak` : 'yeyak 예약';
      auto.current = next;
      if (document.title !== next) document.title = next;
    };
    apply();
    const watcher = new MutationObserver(apply);
    watcher.observe(main, { subtree: true, childList: true, characterData: true });
    return () => {
      watcher.disconnect();
      stale.current = document.title;
    };
  }, [path, lang]);
}
