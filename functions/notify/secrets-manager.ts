import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { BreachwireError } from '../core/errors.ts';
import type { SecretReader } from './subscriptions.ts';

/**
 * A `SecretReader` backed by AWS Secrets Manager, for the Lambda notifier: wrap it in
 * `cachedSecretReader` and pass it to `secretSubscriptionSource` and `loadSubscriptions`.
 * Kept apart from the rest of `notify/` so the CLI never loads the client. Every call has a
 * deadline; the secret's value never appears in an error.
 */
export function secretsManagerReader(
  options: { client?: SecretsManagerClient; timeoutMs?: number } = {},
): SecretReader {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const client = options.client ?? new SecretsManagerClient({ maxAttempts: 3 });
  return {
    async read(secretId) {
      let result: GetSecretValueCommandOutput;
      try {
        result = await client.send(new GetSecretValueCommand({ SecretId: secretId }), {
          abortSignal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new BreachwireError(
          'config.invalid',
          `cannot read secret ${secretId}: ${(error as Error).name}`,
          {
            cause: error,
          },
        );
      }
      if (typeof result.SecretString !== 'string') {
        throw new BreachwireError('config.invalid', `secret ${secretId} has no string value`);
      }
      return result.SecretString;
    },
  };
}
