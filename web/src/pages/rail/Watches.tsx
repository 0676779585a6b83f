import { useEffect, useState } from 'react';
import { del, get, post } from '../../api.ts';
import { usePoll } from '../../poll.ts';
import { ErrorBox, Loading, useConfirm, useLoad } from '../../ui.tsx';
import type { RailWatch } from './api.ts';
import { useRailT } from './i18n.ts';
import { PausedBanner, RailLayout, useRailProviders } from './Layout.tsx';
import { live, standbyOpen, WatchCard } from './WatchCard.tsx';

export function RailWatchesPage() {
  const t = useRailT();
  const { data, error, loading, reload, setData } = useLoad(
    () => get<{ watches: RailWatch[] }>('/api/rail/watches'),
    [],
  );
  const [editing, setEditing] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const confirm = useConfirm();
  const { providers, refresh: refreshProviders } = useRailProviders();
  // Live state: poll while any watch is still working or waits for the operator's standby answer.
  const anyLive = data?.watches.some((w) => live(w) || standbyOpen(w)) ?? false;
  // Watches failing (a block stops them all) may mean an operator pause: ask for the banner again.
  const failed = data?.watches.filter((w) => w.status === 'failed').length ?? 0;
  useEffect(() => {
    if (failed) void refreshProviders();
  }, [failed, refreshProviders]);
  usePoll<{ watches: RailWatch[] }>(anyLive ? '/api/rail/watches' : null, {
    intervalMs: 2000,
    onData: setData,
    immediate: false,
  });

  const stop = async (w: RailWatch) => {
    if (!(await confirm.ask(t('watches.stopAsk')))) return;
    try {
      await post(`/api/rail/watches/${w.id}/stop`);
      await reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const remove = async (w: RailWatch) => {
    try {
      await del(`/api/rail/watches/${w.id}`);
      await reload();
    } catch (err) {
      setActionError(err);
    }
  };

  return (
    <RailLayout title="watches.title">
      {confirm.element}
      <PausedBanner providers={providers} />
      <ErrorBox error={error ?? actionError} onRetry={reload} />
      {loading && !data ? (
        <Loading />
      ) : data?.watches.length === 0 ? (
        <p className="empty card">{t('watches.empty')}</p>
      ) : (
        <div className="tickets">
          {data?.watches.map((w) => (
            <WatchCard
              key={w.id}
              w={w}
              editing={editing === w.id}
              onEdit={() => setEditing(editing === w.id ? undefined : w.id)}
              onStop={() => stop(w)}
              onRemove={() => remove(w)}
              onEditCancel={() => setEditing(undefined)}
              onEditDone={() => {
                setEditing(undefined);
                void reload();
              }}
            />
          ))}
        </div>
      )}
    </RailLayout>
  );
}
