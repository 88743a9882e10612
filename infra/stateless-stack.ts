import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable, type IManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TABLES } from '../functions/export/schema.ts';
import { TABLE_DEFINITION } from '../functions/store/table.ts';
import type { StageConfig } from './config.ts';
import { HouseFunction, type HouseFunctionDefaults } from './constructs/house-function.ts';
import { IngestSchedules, type ScheduledSource } from './constructs/ingest-schedules.ts';
import { Observability } from './constructs/observability.ts';
import { OutboxNotifier } from './constructs/outbox-notifier.ts';
import { OutboxSweep } from './constructs/outbox-sweep.ts';
import { PublicApi } from './constructs/public-api.ts';
import { ResearchExport } from './constructs/research-export.ts';
import type { FUNCTION_ENTRIES } from './entries.ts';

/** DynamoDB actions by need. No function may Scan (DESIGN.md: requests never Scan). */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];

/**
 * Grants actions on the table and each of its indexes by name: no `index/*` wildcard, so a
 * grant can never reach an index added later without a deliberate change here.
 */
export function grantTable(table: ITableV2, grantee: IGrantable, actions: string[]): Grant {
  return Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: [
      table.tableArn,
      ...TABLE_DEFINITION.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
    ],
  });
}

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  table: ITableV2;
  /** Read by the notifier only; no other function is granted it. */
  slackWebhooks: ISecret;
  /** The research export's bucket and its writer policy (both in the stateful stack). */
  exportBucket: IBucket;
  exportWriterPolicy: IManagedPolicy;
  /** The enabled sources of the registry: one schedule each. */
  sources: readonly ScheduledSource[];
  entries: typeof FUNCTION_ENTRIES;
  projectRoot: string;
  depsLockFilePath: string;
}

/**
 * Everything that can be torn down and redeployed without losing data: the functions, their
 * schedules and triggers, the API, the export's Glue catalog, alarms and dashboard. The table,
 * secret and export bucket come in by props.
 */
export class StatelessStack extends Stack {
  readonly ingest: HouseFunction;
  readonly api: HouseFunction;
  readonly notify: HouseFunction;
  readonly export: HouseFunction;
  readonly schedules: IngestSchedules;
  readonly publicApi: PublicApi;
  readonly outboxNotifier: OutboxNotifier;
  readonly outboxSweep: OutboxSweep;
  readonly researchExport: ResearchExport;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, table } = props;
    const defaults: HouseFunctionDefaults = {
      runtime: config.functions.runtime,
      memorySize: config.functions.memorySize,
      logRetention: config.logRetention,
      projectRoot: props.projectRoot,
      depsLockFilePath: props.depsLockFilePath,
      metricsNamespace: `${config.metricsNamespace}/${config.stage}`,
    };
    const environment = { BREACHWIRE_TABLE: table.tableName };

    this.ingest = new HouseFunction(this, 'Ingest', {
      defaults,
      entry: props.entries.ingest,
      role: 'ingest',
      description: 'breachwire: one scheduled run of one source',
      timeout: config.functions.ingestTimeout,
      environment,
      ...(config.functions.ingestReservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: config.functions.ingestReservedConcurrency }),
    });
    grantTable(table, this.ingest.fn, [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS]);

    this.schedules = new IngestSchedules(this, 'IngestSchedules', {
      target: this.ingest.fn,
      sources: props.sources,
      functionTimeout: config.functions.ingestTimeout,
      ...config.schedules,
    });

    this.api = new HouseFunction(this, 'Api', {
      defaults,
      entry: props.entries.api,
      role: 'api',
      description: 'breachwire: the public read-only HTTP API (Hono)',
      timeout: config.functions.apiTimeout,
      environment,
    });
    // Read-only: a bug or an injection in the API can never change the data.
    grantTable(table, this.api.fn, TABLE_READ_ACTIONS);

    this.publicApi = new PublicApi(this, 'PublicApi', {
      handler: this.api.fn,
      throttleRateLimit: config.api.throttleRateLimit,
      throttleBurstLimit: config.api.throttleBurstLimit,
      corsAllowOrigins: config.api.corsAllowOrigins,
      logRetention: config.logRetention,
    });

    this.notify = new HouseFunction(this, 'Notify', {
      defaults,
      entry: props.entries.notify,
      role: 'notify',
      description: 'breachwire: drains the outbox to Slack when new entries arrive',
      timeout: config.functions.notifyTimeout,
      environment: {
        ...environment,
        // The secret's ARN, not its value: the function reads the value at run time (cached).
        BREACHWIRE_SUBSCRIPTIONS_ARN: props.slackWebhooks.secretArn,
        // Messages link to the event's web page and API record.
        BREACHWIRE_PUBLIC_URL: this.publicApi.url,
      },
    });
    // Reads events and the outbox; writes delivery records, subscription states and entry status.
    grantTable(table, this.notify.fn, [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS]);
    // The secret read grant (exactly this secret) and the stream trigger.
    this.outboxNotifier = new OutboxNotifier(this, 'OutboxNotifier', {
      fn: this.notify.fn,
      table,
      slackWebhooks: props.slackWebhooks,
      retryAttempts: config.notifier.retryAttempts,
      maxRecordAge: config.notifier.maxRecordAge,
    });
    // Deliveries waiting on Retry-After or a backoff are swept up even when no new entry arrives.
    this.outboxSweep = new OutboxSweep(this, 'OutboxSweep', {
      fn: this.notify.fn,
      everyMinutes: config.notifier.sweepEveryMinutes,
      functionTimeout: config.functions.notifyTimeout,
      ...config.schedules,
    });

    this.export = new HouseFunction(this, 'Export', {
      defaults,
      entry: props.entries.export,
      role: 'export',
      description: 'breachwire: the daily research export to S3 (NDJSON and CSV by month)',
      timeout: config.functions.exportTimeout,
      environment: { ...environment, BREACHWIRE_EXPORT_BUCKET: props.exportBucket.bucketName },
      // One run at a time: two runs would write the same month keys from different snapshots.
      ...(config.functions.exportReservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: config.functions.exportReservedConcurrency }),
    });
    // Read-only on the table; S3 PutObject under the export prefixes comes from the writer policy.
    grantTable(table, this.export.fn, TABLE_READ_ACTIONS);
    this.researchExport = new ResearchExport(this, 'ResearchExport', {
      fn: this.export.fn,
      bucket: props.exportBucket,
      writerPolicy: props.exportWriterPolicy,
      tables: TABLES,
    });

    this.observability = new Observability(this, 'Observability', {
      metricsNamespace: defaults.metricsNamespace,
      functions: [
        { name: 'Ingest', fn: this.ingest.fn },
        { name: 'Api', fn: this.api.fn },
        { name: 'Notify', fn: this.notify.fn },
        { name: 'Export', fn: this.export.fn },
      ],
      deadLetterQueues: [
        { name: 'IngestDeadLetters', queue: this.schedules.deadLetterQueue },
        { name: 'NotifierFailures', queue: this.outboxNotifier.deadLetterQueue },
        { name: 'NotifierSweep', queue: this.outboxSweep.deadLetterQueue },
      ],
      apiMetrics: {
        serverErrors: this.publicApi.stage.metricServerError({ statistic: 'Sum' }),
        latency: this.publicApi.stage.metricLatency({ statistic: 'p95' }),
      },
      thresholds: config.alarms,
    });

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the house runtime chosen for issue 8 (infra/config.ts); moving to nodejs24.x is a one-line change there once the team has tested it.',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.publicApi.url, description: 'The public API base URL' });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.observability.alarmTopic.topicArn,
      description: 'Subscribe an e-mail address or chat integration to receive alarms',
    });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName });
    new CfnOutput(this, 'ExportDatabase', {
      value: this.researchExport.database.ref,
      description: 'The Glue database of the research export: query its tables with Athena',
    });
    new CfnOutput(this, 'NotifyFunctionName', {
      value: this.notify.fn.functionName,
      description: 'Invoke with {"sweep":true} to drain the outbox now (docs/DEPLOY.md)',
    });
    new CfnOutput(this, 'ExportFunctionName', {
      value: this.export.fn.functionName,
      description: 'Invoke to export now instead of waiting for 03:30 UTC (docs/DEPLOY.md)',
    });
    new CfnOutput(this, 'NotifierFailureQueueUrl', {
      value: this.outboxNotifier.deadLetterQueue.queueUrl,
      description: 'Stream batches the notifier gave up on (their outbox entries stay pending)',
    });
    new CfnOutput(this, 'NotifierSweepDeadLetterQueueUrl', {
      value: this.outboxSweep.deadLetterQueue.queueUrl,
      description: 'Outbox sweeps that could not be delivered or that failed (entries stay pending)',
    });
  }
}
