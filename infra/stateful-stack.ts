import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  type CfnGlobalTable,
  StreamViewType,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { exportPrefixes } from '../functions/export/s3-writer.ts';
import { TABLE_DEFINITION } from '../functions/store/table.ts';
import { ExportBucket } from './constructs/research-export.ts';

/**
 * The table's CloudFormation logical id, pinned: a changed logical id makes CloudFormation
 * replace the table (a new, empty one), so refactoring the construct tree must never change it.
 */
export const TABLE_LOGICAL_ID = 'BreachwireTable';

/**
 * What outlives any deployment: the table, the Slack webhook secret and the research export
 * bucket (researchers may cite its files). Kept apart from the stateless stack so the functions
 * can be torn down and redeployed freely.
 */
export class StatefulStack extends Stack {
  readonly table: TableV2;
  /** Slack incoming-webhook URLs per subscription; the value is set by an operator, never in code. */
  readonly slackWebhooks: Secret;
  /** The research export's bucket and the policy that lets the export function write its files. */
  readonly exports: ExportBucket;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const key = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new TableV2(this, 'Table', {
      partitionKey: key(TABLE_DEFINITION.partitionKey),
      sortKey: key(TABLE_DEFINITION.sortKey),
      globalSecondaryIndexes: TABLE_DEFINITION.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        // TableV2 projects ALL by default, like the definition's indexes.
      })),
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: TABLE_DEFINITION.ttlAttribute,
      // The notifier reads new outbox entries from the stream.
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
    });
    (this.table.node.defaultChild as CfnGlobalTable).overrideLogicalId(TABLE_LOGICAL_ID);

    this.slackWebhooks = new Secret(this, 'SlackWebhooks', {
      description: 'breachwire: Slack incoming-webhook URLs per subscription (set with put-secret-value)',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.slackWebhooks).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Slack incoming-webhook URLs are issued by Slack; no rotation Lambda can create one. They are rotated by re-issuing the webhook in Slack and running put-secret-value (docs/DEPLOY.md).',
    });

    this.exports = new ExportBucket(this, 'Exports', { writablePrefixes: exportPrefixes() });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ExportBucketName', {
      value: this.exports.bucket.bucketName,
      description: 'The research export: <table>/format=<ndjson|csv>/month=YYYY-MM/ (docs/DEPLOY.md)',
    });
    new CfnOutput(this, 'SlackWebhooksSecretArn', {
      value: this.slackWebhooks.secretArn,
      description: 'Set its value with aws secretsmanager put-secret-value (docs/DEPLOY.md)',
    });
  }
}
