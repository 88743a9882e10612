import type { Document } from '../../functions/documents/types.ts';
import { mergeDocument, openEvent } from '../../functions/events/cluster.ts';
import { clusterDocument } from '../../functions/events/process.ts';
import type { Event } from '../../functions/events/types.ts';
import type { DataType, Facts, Kind } from '../../functions/extract/types.ts';
import type { Store } from '../../functions/store/client.ts';
import { storeNewDocuments } from '../../functions/store/documents.ts';
import { createEvent, getEvents } from '../../functions/store/events.ts';
import { coupangDocument, documentWith } from '../events/factories.ts';

/** A small deterministic PRNG (mulberry32): the seeded data is the same on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const KIND_CYCLE: Kind[] = ['breach', 'breach', 'breach', 'penalty', 'policy', 'other'];
const COUNTRIES = ['KR', 'US', 'GB', 'DE', 'JP', null] as const;
const SOURCES = ['source-a', 'source-b', 'source-c', 'yonhap-ko'];
const DATA_TYPE_POOL: DataType[] = ['email', 'phone', 'name', 'password', 'payment_card', 'health'];
const CURRENCIES = ['EUR', 'KRW', 'USD', 'GBP'];
const NOW = '2026-01-15T00:00:00.000Z';

/** Titles a scraper could bring in that must stay inert text everywhere. */
export const HOSTILE_TITLE =
  '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2;alert(1)"> <a href="javascript:window.__pwned=3">click</a> Hostile Corp leak';
export const FORMULA_TITLE = '=HYPERLINK("http://evil.example/","click me")';

export interface Seeded {
  /** Every event in the store, as stored (read back after seeding). */
  events: Event[];
  documents: Document[];
  coupang: { breach: Event; penalty: Event };
  hostile: Event;
}

function isoAt(rand: () => number, from: string, spanDays: number): string {
  const ms = Date.parse(from) + Math.floor(rand() * spanDays * 86_400) * 1_000;
  return new Date(ms).toISOString();
}

/**
 * Seeds a real store with `count` events of varied kinds, countries, counts, penalties, data
 * types and sources (written through `openEvent` / `mergeDocument` / `createEvent`, the same
 * code ingest uses), plus the Coupang sequence clustered by `clusterDocument` (history,
 * revised count, a linked penalty), Korean titles and a hostile title.
 */
export async function seedEvents(store: Store, count = 130): Promise<Seeded> {
  const rand = random(20251130);
  const documents: Document[] = [];
  const ids: string[] = [];

  for (let i = 0; i < count; i++) {
    const kind = KIND_CYCLE[i % KIND_CYCLE.length]!;
    const country = COUNTRIES[Math.floor(rand() * COUNTRIES.length)] ?? null;
    const korean = i % 10 === 3;
    const organization = korean ? `한국기업${i}` : i % 9 === 0 ? null : `Org ${i} Holdings`;
    const hasCount = kind === 'breach' ? rand() < 0.8 : rand() < 0.15;
    const affectedCount = Math.floor(10 ** (2 + rand() * 6));
    const hasPenalty = kind === 'penalty' || (kind === 'breach' && rand() < 0.1);
    const currency = CURRENCIES[Math.floor(rand() * CURRENCIES.length)]!;
    const dataTypes = DATA_TYPE_POOL.filter(() => rand() < 0.3);
    // Some events share a first-seen instant: the id must break the tie in every order.
    const firstSeenAt = i % 17 === 5 ? '2025-06-01T00:00:00.000Z' : isoAt(rand, '2025-01-01T00:00:00Z', 360);
    const disclosed = isoAt(rand, '2024-10-01T00:00:00Z', 300);
    const facts: Partial<Facts> = {
      kind,
      organization,
      country,
      affected: hasCount ? { count: affectedCount, unit: 'people', approximate: rand() < 0.3 } : null,
      penalty: hasPenalty
        ? {
            amount: Math.floor(10 ** (3 + rand() * 7)),
            currency,
            authority: currency === 'KRW' ? '개인정보보호위원회' : 'DPA',
            status: 'final',
          }
        : null,
      dataTypes,
      dates: { occurred: null, discovered: null, disclosed },
    };
    const title = korean
      ? `${organization} 개인정보 유출 ${i}번째 사고`
      : i === 7
        ? FORMULA_TITLE
        : `${organization ?? 'Unnamed company'} ${kind} report number ${i}`;
    const first = documentWith(facts, {
      id: `seed-${i}`,
      sourceId: SOURCES[i % SOURCES.length]!,
      title,
      lang: korean ? 'ko' : 'en',
      publishedAt: disclosed,
      firstSeenAt,
      url: i % 11 === 4 ? 'javascript:alert(document.domain)' : `https://news.example.org/seed-${i}`,
    });
    const opened = openEvent({ ...first, facts: first.facts! }, NOW);
    let event: Event = { ...opened, pending: { outbox: [], links: [] } };
    documents.push({ ...first, eventId: event.id });
    // A third of the events get a second document later: a revised count from another source.
    if (i % 3 === 0) {
      const laterSeen = new Date(
        Date.parse(firstSeenAt) + (5 + Math.floor(rand() * 40)) * 86_400_000,
      ).toISOString();
      const second = documentWith(
        {
          ...facts,
          affected: { count: Math.floor(10 ** (2 + rand() * 6)), unit: 'people', approximate: false },
        },
        {
          id: `seed-${i}-b`,
          sourceId: SOURCES[(i + 1) % SOURCES.length]!,
          title: `${title} (update)`,
          publishedAt: laterSeen,
          firstSeenAt: laterSeen,
        },
      );
      event = mergeDocument(event, { ...second, facts: second.facts! }, NOW)!;
      event.pending = { outbox: [], links: [] };
      documents.push({ ...second, eventId: event.id });
    }
    await createEvent(store, event);
    ids.push(event.id);
  }

  const hostileDocument = documentWith(
    {
      kind: 'breach',
      organization: 'Hostile Corp',
      country: 'KR',
      affected: { count: 66_666, unit: 'people', approximate: false },
    },
    {
      id: 'hostile',
      sourceId: 'hostile-news',
      title: HOSTILE_TITLE,
      url: 'javascript:window.__pwned=4',
      firstSeenAt: '2025-12-20T00:00:00.000Z',
      publishedAt: '2025-12-19T00:00:00.000Z',
    },
  );

  // The Coupang sequence goes through the real clustering path: history, revision, a linked penalty.
  const coupangDocuments = [
    coupangDocument('c1'),
    coupangDocument('c2'),
    coupangDocument(
      'c4',
      {},
      { publishedAt: '2025-12-10T00:00:00.000Z', firstSeenAt: '2025-12-10T01:00:00.000Z' },
    ),
  ];
  const clustered = [hostileDocument, ...coupangDocuments];
  await storeNewDocuments(store, clustered, { pending: true });
  const clusteredIds: string[] = [];
  for (const document of clustered) {
    clusteredIds.push(await clusterDocument(document, { store, now: () => new Date(NOW) }));
  }
  await storeNewDocuments(store, documents);

  const events = await getEvents(store, [...new Set([...ids, ...clusteredIds])]);
  const byId = new Map(events.map((event) => [event.id, event]));
  return {
    events,
    documents,
    hostile: byId.get(clusteredIds[0]!)!,
    coupang: { breach: byId.get(clusteredIds[1]!)!, penalty: byId.get(clusteredIds[3]!)! },
  };
}
