import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.ts';
import { sources } from '../../functions/sources/registry.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { startTestStore } from '../helpers/store.ts';

let embedded: EmbeddedStore;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  embedded = await startTestStore();
  app = createApp({ store: embedded.store, sources });
});
afterAll(() => embedded.close());

interface ErrorBody {
  ok: false;
  status: number;
  error: string;
  errors: { param: string; message: string }[];
}

describe('GET /v1/documents parameters', () => {
  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['since=yesterday', 'since'],
    ['since=2025-13-45', 'since'],
    ['kind=gossip', 'kind'],
    ['source=Not%20An%20Id', 'source'],
    ['cursor=abc', 'cursor'],
    ['cursor=eyJyIjoieCJ9.AAAAAAAAAAAAAAAAAAAAAA', 'cursor'],
    ['colour=red', 'colour'],
  ])('%s → 400 naming %s', async (query, param) => {
    const response = await app.request(`/v1/documents?${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body).toMatchObject({ ok: false, status: 400 });
    expect(body.errors.map((error) => error.param)).toContain(param);
    expect(body.error).toContain(param);
  });

  it('names every bad parameter at once', async () => {
    const body = (await (await app.request('/v1/documents?limit=0&since=nope')).json()) as ErrorBody;
    expect(body.errors.map((error) => error.param).sort()).toEqual(['limit', 'since']);
  });

  it('answers an empty store with an empty page in the envelope', async () => {
    const response = await app.request('/v1/documents');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, rows: [], next: null, next_url: null });
  });

  it('answers an unknown route with the error shape', async () => {
    const response = await app.request('/v1/nothing');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ ok: false, status: 404 });
  });

  it('answers an unknown source id with 404', async () => {
    const response = await app.request('/v1/sources/no-such-source');
    expect(response.status).toBe(404);
  });
});
