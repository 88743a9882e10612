import type { Event, OutboxEntry } from '../../functions/events/types.ts';

/** A settled event with explicit fields, for message tests that need no store. */
export function eventWith(overrides: Partial<Event> = {}): Event {
  return {
    id: 'eAcme0001',
    kind: 'breach',
    title: 'Acme Corp says 2 million customer records exposed',
    titleDocumentId: 'doc-acme',
    titleScore: 1,
    organization: { name: 'Acme Corp', key: 'acme', aliases: ['Acme Corp'] },
    country: 'US',
    dates: { occurred: null, discovered: null, disclosed: '2025-11-30T00:00:00.000Z' },
    affected: { count: 2_000_000, unit: 'people', approximate: false },
    affectedHistory: [],
    dataTypes: ['email', 'phone'],
    penalty: null,
    policy: null,
    related: [],
    documentIds: ['doc-acme'],
    sources: ['source-a'],
    members: [],
    urls: ['https://news.example.org/acme'],
    titles: [],
    firstSeenAt: '2025-11-30T01:00:00.000Z',
    updatedAt: '2025-11-30T01:00:00.000Z',
    revision: 1,
    pending: { outbox: [], links: [] },
    ...overrides,
  };
}

export function entryFor(event: Event, overrides: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    id: `${event.id}.created`,
    eventId: event.id,
    change: 'created',
    summary: `new ${event.kind}: ${event.organization?.name ?? event.title}`,
    revision: event.revision,
    createdAt: event.firstSeenAt,
    status: 'pending',
    error: null,
    ...overrides,
  };
}
