import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * The house dead-letter queue: SQS-managed encryption, TLS only (a queue policy denies
 * `aws:SecureTransport=false`), 14 days to read what failed. A dead-letter queue needs no
 * dead-letter queue of its own (AwsSolutions-SQS3); `purpose` says what it is the DLQ of.
 */
export function deadLetterQueue(scope: Construct, id: string, purpose: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: `This queue is itself ${purpose}.` });
  return queue;
}
