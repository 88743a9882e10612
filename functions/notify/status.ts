import { matchesFilter } from '../events/filter.ts';
import type { Event, OutboxEntry } from '../events/types.ts';
import type { Store } from '../store/client.ts';
import { getDelivery, getSubscriptionStates } from '../store/deliveries.ts';
import { getEvents, listOutbox } from '../store/events.ts';
import { buildMessage, type SlackMessage } from './message.ts';
import { describeFilter, type Subscription } from './subscriptions.ts';

/** A subscription as the status view shows it: never its webhook. */
export interface SubscriptionStatus {
  name: string;
  filter: string;
  broken: boolean;
  brokenAt: string | null;
  brokenReason: string | null;
  /** Broken for a webhook that has since been replaced in the configuration: retried on the next drain. */
  webhookReplaced: boolean;
  lastError: string | null;
  lastErrorAt: string | null;
  lastDeliveredAt: string | null;
}

export interface NotifyStatus {
  subscriptions: SubscriptionStatus[];
  /** Pending outbox entries (counted up to `limit`). */
  pending: number;
  dead: Pick<OutboxEntry, 'id' | 'eventId' | 'change' | 'summary' | 'createdAt' | 'error'>[];
}

/** What `breachwire notify --status` shows: subscriptions with their health, and the dead letters. */
export async function notifyStatus(
  store: Store,
  subscriptions: readonly Subscription[],
  limit = 100,
): Promise<NotifyStatus> {
  const [states, pending, dead] = await Promise.all([
    getSubscriptionStates(
      store,
      subscriptions.map((subscription) => subscription.name),
    ),
    listOutbox(store, 'pending', limit),
    listOutbox(store, 'dead', limit),
  ]);
  return {
    subscriptions: subscriptions.map((subscription, index) => {
      const state = states[index];
      const sameWebhook = state?.brokenWebhook === subscription.webhook.fingerprint();
      return {
        name: subscription.name,
        filter: describeFilter(subscription.filterParams),
        broken: Boolean(state?.broken && sameWebhook),
        brokenAt: state?.brokenAt ?? null,
        brokenReason: state?.brokenReason ?? null,
        webhookReplaced: Boolean(state?.broken && !sameWebhook),
        lastError: state?.lastError ?? null,
        lastErrorAt: state?.lastErrorAt ?? null,
        lastDeliveredAt: state?.lastDeliveredAt ?? null,
      };
    }),
    pending: pending.length,
    dead: dead.map(({ id, eventId, change, summary, createdAt, error }) => ({
      id,
      eventId,
      change,
      summary,
      createdAt,
      error,
    })),
  };
}

/** A message a drain would post: to one subscription, or to nobody yet (no subscription configured). */
export interface PendingMessage {
  entry: OutboxEntry;
  event: Event;
  subscription: string | null;
  message: SlackMessage;
}

/**
 * The messages pending outbox entries would produce, without posting or changing anything:
 * per matching subscription (skipping deliveries already settled), or once per entry when
 * `subscriptions` is null (the local runner with nothing configured).
 */
export async function previewOutbox(deps: {
  store: Store;
  subscriptions: readonly Subscription[] | null;
  publicBaseUrl: string;
  limit?: number;
}): Promise<PendingMessage[]> {
  const entries = await listOutbox(deps.store, 'pending', deps.limit ?? 100);
  const events = new Map(
    (await getEvents(deps.store, [...new Set(entries.map((entry) => entry.eventId))])).map((event) => [
      event.id,
      event,
    ]),
  );
  const messages: PendingMessage[] = [];
  for (const entry of entries) {
    const event = events.get(entry.eventId);
    if (!event) continue;
    const message = buildMessage(event, entry, { publicBaseUrl: deps.publicBaseUrl });
    if (!deps.subscriptions) {
      messages.push({ entry, event, subscription: null, message });
      continue;
    }
    for (const subscription of deps.subscriptions) {
      if (!matchesFilter(event, subscription.filter)) continue;
      const delivery = await getDelivery(deps.store, entry.id, subscription.name);
      if (delivery && delivery.status !== 'retrying' && delivery.status !== 'broken') continue;
      messages.push({ entry, event, subscription: subscription.name, message });
    }
  }
  return messages;
}
