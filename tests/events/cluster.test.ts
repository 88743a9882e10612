import { describe, expect, it } from 'vitest';
import {
  bestAffected,
  chooseEvent,
  findConcernedBreach,
  formatCount,
  mergeDocument,
  openEvent,
  withLink,
} from '../../functions/events/cluster.ts';
import type { AffectedObservation } from '../../functions/events/types.ts';
import { documentWith } from './factories.ts';

const NOW = '2025-12-01T00:00:00.000Z';
const asCluster = (document: ReturnType<typeof documentWith>) => ({ ...document, facts: document.facts! });

describe('chooseEvent', () => {
  const first = asCluster(
    documentWith(
      { organization: 'Coupang', affected: { count: 4500, unit: 'accounts', approximate: true } },
      { title: 'Coupang says 4,500 accounts exposed' },
    ),
  );
  const event = openEvent(first, NOW);

  it('joins the same organisation across scripts and kinds agreeing', () => {
    const korean = asCluster(
      documentWith(
        { organization: '쿠팡' },
        { title: '쿠팡 개인정보 유출 3370만명', publishedAt: '2025-11-30T12:00:00.000Z' },
      ),
    );
    expect(chooseEvent(korean, [event])?.reason).toMatch(/same organisation \(coupang\)/);
  });

  it('joins a syndicated copy by title even without an organisation', () => {
    const copy = asCluster(
      documentWith({}, { title: 'Coupang says 4,500 accounts exposed - Yonhap', sourceId: 'other' }),
    );
    expect(chooseEvent(copy, [event])?.reason).toMatch(/near-identical title/);
  });

  it('joins the same canonical URL', () => {
    const same = asCluster(
      documentWith({}, { url: first.url, title: 'Entirely different words', sourceId: 'aggregator' }),
    );
    expect(chooseEvent(same, [event])?.reason).toBe('same canonical URL');
  });

  it('opens a new event for another kind, another organisation, or outside the window', () => {
    const penalty = asCluster(documentWith({ kind: 'penalty', organization: 'Coupang' }));
    const other = asCluster(documentWith({ organization: 'Naver' }));
    const late = asCluster(
      documentWith(
        { organization: 'Coupang' },
        { publishedAt: '2026-09-01T00:00:00.000Z', firstSeenAt: '2026-09-01T00:00:00.000Z' },
      ),
    );
    expect(chooseEvent(penalty, [event])).toBeNull();
    expect(chooseEvent(other, [event])).toBeNull();
    expect(chooseEvent(late, [event])).toBeNull();
  });

  it('keeps two different fines of one organisation apart', () => {
    const fine = openEvent(
      asCluster(
        documentWith({
          kind: 'penalty',
          organization: 'Meta',
          penalty: { amount: 1.2e9, currency: 'EUR', authority: 'DPC', status: 'final' },
        }),
      ),
      NOW,
    );
    const other = asCluster(
      documentWith({
        kind: 'penalty',
        organization: 'Meta',
        penalty: { amount: 2.5e8, currency: 'EUR', authority: 'DPC', status: 'final' },
      }),
    );
    const same = asCluster(
      documentWith({
        kind: 'penalty',
        organization: 'Meta Platforms',
        penalty: { amount: 1.2e9, currency: 'EUR', authority: null, status: null },
      }),
    );
    expect(chooseEvent(other, [fine])).toBeNull();
    expect(chooseEvent(same, [fine])?.event.id).toBe(fine.id);
  });
});

describe('mergeDocument', () => {
  it('keeps the full count history, derives the best count and queues a revision notice', () => {
    const first = asCluster(
      documentWith(
        { organization: 'Coupang', affected: { count: 4500, unit: 'accounts', approximate: true } },
        { publishedAt: '2025-11-20T00:00:00.000Z' },
      ),
    );
    const event = openEvent(first, NOW);
    expect(event.pending.outbox.map((entry) => entry.change)).toEqual(['created']);
    const settled = { ...event, pending: { outbox: [], links: [] } };
    const revised = asCluster(
      documentWith(
        {
          organization: '쿠팡',
          affected: { count: 33_700_000, unit: 'accounts', approximate: true },
          dataTypes: ['email', 'name'],
        },
        {
          sourceId: 'source-b',
          publishedAt: '2025-11-29T00:00:00.000Z',
          title: 'Coupang breach hit 33.7 million accounts, names and emails exposed',
        },
      ),
    );
    const next = mergeDocument(settled, revised, NOW);
    expect(next).not.toBeNull();
    expect(next?.revision).toBe(2);
    expect(next?.affected).toEqual({ count: 33_700_000, unit: 'accounts', approximate: true });
    expect(next?.affectedHistory.map((observation) => observation.count)).toEqual([4500, 33_700_000]);
    expect(next?.dataTypes).toEqual(['email', 'name']);
    expect(next?.sources).toEqual(['source-a', 'source-b']);
    expect(next?.organization?.aliases).toEqual(['Coupang', '쿠팡']);
    expect(next?.pending.outbox).toEqual([
      expect.objectContaining({
        change: 'count-revised',
        summary: 'count revised: 4,500 → 33.7 million accounts',
        id: `${event.id}.count-revised.r2`,
      }),
    ]);
    // A retried run merging the same document again changes nothing.
    expect(mergeDocument(next!, revised, NOW)).toBeNull();
  });

  it('counts an outlet once and keeps the earliest disclosure date', () => {
    const event = openEvent(
      asCluster(documentWith({ organization: 'Acme' }, { publishedAt: '2025-11-20T00:00:00.000Z' })),
      NOW,
    );
    const sameOutlet = asCluster(
      documentWith({ organization: 'Acme' }, { publishedAt: '2025-11-18T00:00:00.000Z' }),
    );
    const next = mergeDocument(event, sameOutlet, NOW)!;
    expect(next.sources).toEqual(['source-a']);
    expect(next.documentIds).toHaveLength(2);
    expect(next.dates.disclosed).toBe('2025-11-18T00:00:00.000Z');
  });

  it('notifies when a count first becomes known, not on small changes', () => {
    const event = {
      ...openEvent(asCluster(documentWith({ organization: 'Acme' })), NOW),
      pending: { outbox: [], links: [] },
    };
    const known = mergeDocument(
      event,
      asCluster(
        documentWith({
          organization: 'Acme',
          affected: { count: 1_000_000, unit: 'people', approximate: false },
        }),
      ),
      NOW,
    )!;
    expect(known.pending.outbox.map((entry) => entry.change)).toEqual(['count-known']);
    const settled = { ...known, pending: { outbox: [], links: [] } };
    const small = mergeDocument(
      settled,
      asCluster(
        documentWith(
          { organization: 'Acme', affected: { count: 1_200_000, unit: 'people', approximate: false } },
          { publishedAt: '2025-12-01T00:00:00.000Z' },
        ),
      ),
      NOW,
    )!;
    expect(small.affected?.count).toBe(1_200_000);
    expect(small.pending.outbox).toEqual([]);
  });

  it('takes the title from the most informative document', () => {
    const bare = openEvent(asCluster(documentWith({ organization: 'Acme' }, { title: 'Acme hit' })), NOW);
    const rich = asCluster(
      documentWith(
        { organization: 'Acme', affected: { count: 2e6, unit: 'people', approximate: false } },
        { title: 'Acme breach exposes data of 2 million customers' },
      ),
    );
    expect(mergeDocument(bare, rich, NOW)?.title).toBe('Acme breach exposes data of 2 million customers');
  });
});

describe('bestAffected', () => {
  const observation = (count: number, sourceId: string, statedAt: string): AffectedObservation => ({
    count,
    unit: 'accounts',
    approximate: false,
    documentId: `${sourceId}-${count}`,
    sourceId,
    statedAt,
    seenAt: statedAt,
  });

  it('is null without observations, never 0', () => {
    expect(bestAffected([])).toBeNull();
  });

  it('prefers the latest value', () => {
    expect(
      bestAffected([observation(4500, 'a', '2025-11-20'), observation(33_700_000, 'b', '2025-11-29')])?.count,
    ).toBe(33_700_000);
  });

  it('lets a consensus of sources outweigh one later slip within two days', () => {
    const history = [
      observation(33_700_000, 'a', '2025-11-29T00:00'),
      observation(33_700_000, 'b', '2025-11-29T01:00'),
      observation(33_700_000, 'c', '2025-11-29T02:00'),
      observation(3_370_000, 'd', '2025-11-29T05:00'),
    ];
    expect(bestAffected(history)?.count).toBe(33_700_000);
  });
});

describe('links between events', () => {
  const breach = openEvent(
    asCluster(documentWith({ organization: 'Coupang' }, { firstSeenAt: '2025-11-29T00:00:00.000Z' })),
    NOW,
  );

  it('links a penalty to the breach of the same organisation', () => {
    const fine = openEvent(
      asCluster(
        documentWith(
          { kind: 'penalty', organization: 'Coupang' },
          { firstSeenAt: '2026-03-01T00:00:00.000Z' },
        ),
      ),
      NOW,
    );
    expect(findConcernedBreach(fine, 'PIPC fines Coupang', [breach])).toEqual({
      eventId: breach.id,
      kind: 'breach',
      reason: 'same organisation, later date',
    });
  });

  it('links a policy that names the incident in its text', () => {
    const order = openEvent(
      asCluster(documentWith({ kind: 'policy' }, { firstSeenAt: '2025-12-02T00:00:00.000Z' })),
      NOW,
    );
    expect(
      findConcernedBreach(order, 'President orders tougher fines after the Coupang breach', [breach])?.reason,
    ).toBe('text names the incident');
  });

  it('does not link a breach, or a policy about something else', () => {
    const unrelated = openEvent(asCluster(documentWith({ kind: 'policy' })), NOW);
    expect(findConcernedBreach(unrelated, 'New cookie guidance', [breach])).toBeNull();
    expect(findConcernedBreach(breach, 'Coupang', [breach])).toBeNull();
  });

  it('adds a back-link once, queuing a penalty-linked notice', () => {
    const linked = withLink(
      breach,
      { eventId: 'efine', kind: 'penalty', reason: 'concerns this incident' },
      NOW,
      true,
    )!;
    expect(linked.related).toHaveLength(1);
    expect(linked.pending.outbox.at(-1)?.change).toBe('penalty-linked');
    expect(withLink(linked, { eventId: 'efine', kind: 'penalty', reason: 'again' }, NOW, true)).toBeNull();
  });
});

describe('formatCount', () => {
  it.each([
    [4500, '4,500'],
    [33_700_000, '33.7 million'],
    [2_000_000, '2 million'],
    [1_200_000_000, '1.2 billion'],
  ])('%d → %s', (count, text) => {
    expect(formatCount(count)).toBe(text);
  });
});

describe('eventAsOf', () => {
  it('returns the earlier count for an event whose count was later revised', async () => {
    const { eventAsOf } = await import('../../functions/events/as-of.ts');
    const first = asCluster(
      documentWith(
        { organization: 'Coupang', affected: { count: 4500, unit: 'accounts', approximate: true } },
        { firstSeenAt: '2025-11-20T01:00:00.000Z', publishedAt: '2025-11-20T00:00:00.000Z' },
      ),
    );
    const later = asCluster(
      documentWith(
        { organization: 'Coupang', affected: { count: 33_700_000, unit: 'accounts', approximate: true } },
        {
          sourceId: 'source-b',
          firstSeenAt: '2025-11-29T13:00:00.000Z',
          publishedAt: '2025-11-29T12:00:00.000Z',
        },
      ),
    );
    const event = mergeDocument(openEvent(first, NOW), later, NOW)!;
    expect(eventAsOf(event, '2025-11-25T00:00:00.000Z')).toMatchObject({
      affected: { count: 4500 },
      documentIds: [first.id],
      sources: ['source-a'],
    });
    expect(eventAsOf(event, '2025-12-01T00:00:00.000Z')?.affected?.count).toBe(33_700_000);
    expect(eventAsOf(event, '2025-11-01T00:00:00.000Z')).toBeNull();
  });
});

describe('event title', () => {
  it('moves to a headline stating the revised count', () => {
    const first = asCluster(
      documentWith(
        { organization: 'Coupang', affected: { count: 4500, unit: 'accounts', approximate: true } },
        { title: 'Coupang says 4,500 accounts exposed', publishedAt: '2025-11-20T00:00:00.000Z' },
      ),
    );
    const revised = asCluster(
      documentWith(
        { organization: 'Coupang', affected: { count: 33_700_000, unit: 'accounts', approximate: true } },
        {
          title: 'Coupang breach hit 33.7 million accounts',
          sourceId: 'b',
          publishedAt: '2025-11-29T00:00:00.000Z',
        },
      ),
    );
    expect(mergeDocument(openEvent(first, NOW), revised, NOW)?.title).toBe(
      'Coupang breach hit 33.7 million accounts',
    );
  });
});

describe('notifications are for news, not backfill', () => {
  it('queues no "created" notice for a document published long before we first saw it', () => {
    const old = asCluster(
      documentWith(
        { organization: 'Acme' },
        { publishedAt: '2019-03-01T00:00:00.000Z', firstSeenAt: '2026-11-26T00:00:00.000Z' },
      ),
    );
    const fresh = asCluster(
      documentWith(
        { organization: 'Acme' },
        { publishedAt: '2026-11-25T00:00:00.000Z', firstSeenAt: '2026-11-26T00:00:00.000Z' },
      ),
    );
    const undated = asCluster(
      documentWith({ organization: 'Acme' }, { publishedAt: null, firstSeenAt: '2026-11-26T00:00:00.000Z' }),
    );
    expect(openEvent(old, NOW).pending.outbox).toEqual([]);
    expect(openEvent(fresh, NOW).pending.outbox.map((entry) => entry.change)).toEqual(['created']);
    expect(openEvent(undated, NOW).pending.outbox.map((entry) => entry.change)).toEqual(['created']);
  });

  it('records an old revised count in the history without announcing it', () => {
    const first = asCluster(
      documentWith(
        { organization: 'Acme', affected: { count: 100, unit: 'people', approximate: false } },
        { publishedAt: '2019-03-01T00:00:00.000Z', firstSeenAt: '2026-11-26T00:00:00.000Z' },
      ),
    );
    const revised = asCluster(
      documentWith(
        { organization: 'Acme', affected: { count: 1_000_000, unit: 'people', approximate: false } },
        { publishedAt: '2019-03-05T00:00:00.000Z', firstSeenAt: '2026-11-26T00:00:00.000Z' },
      ),
    );
    const next = mergeDocument(openEvent(first, NOW), revised, NOW)!;
    expect(next.affected?.count).toBe(1_000_000);
    expect(next.affectedHistory).toHaveLength(2);
    expect(next.pending.outbox).toEqual([]);
  });
});
