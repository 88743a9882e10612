import type { Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { createApp } from '../api/app.ts';
import { sources } from '../sources/registry.ts';
import { createStore } from '../store/client.ts';
import { createRuntime } from './runtime.ts';

const runtime = createRuntime();
const store = createStore({ tableName: runtime.env.BREACHWIRE_TABLE });
// The app knows nothing about Lambda: the same one is served locally and tested with app.request().
const serve = handle(createApp({ store, sources, log: runtime.log }));

/** API Gateway HTTP API (payload 2.0) → the Hono app. Its role can only read the table. */
export async function handler(event: Parameters<typeof serve>[0], context: Context) {
  return runtime.invoke(context, {}, () => serve(event, context));
}
