import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
// A namespace import lets esbuild drop zod's locales (~260 KB); `import { z }` pulls them all in.
import * as z from 'zod';
import { drainOutbox } from '../notify/drain.ts';
import { secretsManagerReader } from '../notify/secrets-manager.ts';
import { cachedSecretReader, loadSubscriptions, secretSubscriptionSource } from '../notify/subscriptions.ts';
import { createStore } from '../store/client.ts';
import { notifyOutboxBatch } from './notify-batch.ts';
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

/** DynamoDB stream (new `OUT#` items) → one drain of the outbox, the same code as the local runner's. */
export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  return runtime.invoke(context, {}, () =>
    notifyOutboxBatch(event, context.getRemainingTimeInMillis(), {
      loadSubscriptions: () =>
        loadSubscriptions(secretSubscriptionSource(secrets, secretArn), { env: process.env, secrets }),
      drain: (subscriptions, deadline) =>
        drainOutbox({ store, subscriptions, publicBaseUrl, log: runtime.log, deadline }),
      log: runtime.log,
      count: runtime.count,
    }),
  );
}
