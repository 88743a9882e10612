import type { Context, DynamoDBBatchResponse } from 'aws-lambda';
// A namespace import lets esbuild drop zod's locales (~260 KB); `import { z }` pulls them all in.
import * as z from 'zod';
import { drainOutbox } from '../notify/drain.ts';
import { secretsManagerReader } from '../notify/secrets-manager.ts';
import { cachedSecretReader, loadSubscriptions, secretSubscriptionSource } from '../notify/subscriptions.ts';
import { createStore } from '../store/client.ts';
import { listOutbox } from '../store/events.ts';
import { notifyInvocation, parseNotifyInput, type SweepResult } from './notify-batch.ts';
import { createRuntime } from './runtime.ts';

const runtime = createRuntime({
  /** The ARN of the secret holding the subscription document (not the secret itself). */
  BREACHWIRE_SUBSCRIPTIONS_ARN: z.string().min(1, 'must name the Slack subscriptions secret'),
  BREACHWIRE_PUBLIC_URL: z.url({ protocol: /^https?$/ }),
});
const { BREACHWIRE_SUBSCRIPTIONS_ARN: secretArn, BREACHWIRE_PUBLIC_URL: publicBaseUrl } = runtime.env;
const store = createStore({ tableName: runtime.env.BREACHWIRE_TABLE });
// Cached for 5 minutes across warm invocations: a rotated webhook is picked up without a deploy.
const secrets = cachedSecretReader(secretsManagerReader({ timeoutMs: 5_000 }));

/**
 * DynamoDB stream (new `OUT#` items), or the sweep schedule's `{"sweep": true}` → one drain of
 * the outbox, the same code as the local runner's. Any other input is rejected before any I/O.
 */
export async function handler(
  event: unknown,
  context: Context,
): Promise<DynamoDBBatchResponse | SweepResult> {
  const input = parseNotifyInput(event);
  return runtime.invoke(context, {}, () =>
    notifyInvocation(input, context.getRemainingTimeInMillis(), {
      loadSubscriptions: () =>
        loadSubscriptions(secretSubscriptionSource(secrets, secretArn), { env: process.env, secrets }),
      drain: (subscriptions, deadline) =>
        drainOutbox({ store, subscriptions, publicBaseUrl, log: runtime.log, deadline }),
      hasPending: async () => (await listOutbox(store, 'pending', 1)).length > 0,
      log: runtime.log,
      count: runtime.count,
    }),
  );
}
