/**
 * Renamed topics. Topics carry their module's prefix (`tickets.reservation_confirmed`); the names
 * they had before (`reservation.confirmed`) stay valid for one release:
 * - an event written under an old name (an outbox row or a dead letter from before the upgrade)
 *   is delivered under its current name, so today's consumers get it;
 * - through RabbitMQ each event is also published under its old name (routing key and `type`), so
 *   outside subscribers bound to the old names keep receiving it. Our own queues bind only the
 *   current names, so no consumer of ours gets a copy twice.
 * Modules declare their renames (ModuleDefinition.topicAliases); the composition root sets them.
 */
const oldNameOf = new Map<string, string>();
const currentNameOf = new Map<string, string>();

export function setTopicAliases(aliases: Record<string, string>) {
  for (const [current, old] of Object.entries(aliases)) {
    oldNameOf.set(current, old);
    currentNameOf.set(old, current);
  }
}

/** The topic an event written as `topic` is delivered under today. */
export function currentTopic(topic: string): string {
  return currentNameOf.get(topic) ?? topic;
}

/** The name `topic` had before its module's prefix, if it was renamed. */
export function oldTopic(topic: string): string | undefined {
  return oldNameOf.get(topic);
}
