import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue.ts';

export interface OutboxNotifierProps {
  /** The notifier function (drains the outbox to Slack). */
  fn: IFunction;
  /** The table, with its stream enabled. */
  table: ITableV2;
  /** The Slack webhook URLs: this function is the only one that may read them. */
  slackWebhooks: ISecret;
  /** Invocations of one batch before its records go to the failure queue. */
  retryAttempts: number;
  /** Records older than this are not retried (the outbox entry stays pending in the table). */
  maxRecordAge: Duration;
}

/**
 * Triggers the notifier from the table's stream, filtered to new outbox entries.
 *
 * Why the stream rather than a one-minute schedule: the notifier runs only when there is
 * something to send (a few hundred times a month instead of 43,200 polls of an empty outbox),
 * within seconds instead of up to a minute, and the filter is applied by the event source
 * mapping before Lambda is invoked, at no charge. The outbox in the table stays the source of
 * truth: a record whose retries are exhausted goes to the failure queue (with its shard and
 * sequence numbers), while its entry stays `pending` in the table for the next drain.
 *
 * Poison records cannot block the shard: the function reports partial batch failures, a failing
 * batch is bisected, and retries are bounded.
 */
export class OutboxNotifier extends Construct {
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: OutboxNotifierProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetters',
      'the on-failure destination of the notifier stream mapping',
    );
    props.fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(2),
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: props.retryAttempts,
        maxRecordAge: props.maxRecordAge,
        // Slack messages for one shard go out in order.
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { Keys: { pk: { S: FilterRule.beginsWith('OUT#') } } },
          }),
        ],
      }),
    );
    props.slackWebhooks.grantRead(props.fn);
  }
}
