import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import {
  type IManagedPolicy,
  ManagedPolicy,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { tablePrefix } from '../../functions/export/s3-writer.ts';
import { athenaColumns, type TableName } from '../../functions/export/schema.ts';

export interface ExportBucketProps {
  /** Key prefixes the export may write under (`exportPrefixes()`: `<table>/format=<f>/`); nothing else. */
  writablePrefixes: readonly string[];
}

/**
 * The private bucket researchers' exports live in, with its server access log bucket. Derived
 * data (it can be rebuilt from the table), but retained: a researcher may cite a file in it.
 *
 * The write permission is a customer-managed policy defined here, next to the bucket, and
 * attached to the export function's role: the grant names the bucket's ARN within this stack,
 * so the stateless stack never needs a wildcard built from an imported value.
 */
export class ExportBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  /** PutObject under the writable prefixes only: no read, no delete, no listing. */
  readonly writerPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: ExportBucketProps) {
    super(scope, id);
    const privateBucket = {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...privateBucket,
      // S3 server access logging can only deliver to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      lifecycleRules: [
        { expiration: Duration.days(365), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the export bucket; logging it into itself would loop.',
    });
    this.bucket = new Bucket(this, 'Bucket', {
      ...privateBucket,
      encryption: BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'exports/',
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Athena's own query results, if a researcher points them here, are scratch.
        { prefix: 'athena-results/', expiration: Duration.days(30) },
      ],
    });
    this.writerPolicy = new ManagedPolicy(this, 'WriterPolicy', {
      description: 'breachwire: the research export writes its files',
      statements: [
        new PolicyStatement({
          actions: ['s3:PutObject'],
          resources: props.writablePrefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}*`)),
        }),
      ],
    });
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    for (const prefix of props.writablePrefixes) {
      Validations.of(this.writerPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason:
          'Object keys are dated file names under one export prefix of this one bucket; S3 needs a wildcard to name them.',
      });
    }
  }
}

/** One column of an Athena (Glue) table. */
export interface ExportColumn {
  name: string;
  type: string;
  comment?: string;
}

/**
 * The Glue columns of an exported table: `athenaColumns(table)` from the export's schema, so
 * the catalog and the files have one definition and cannot drift apart.
 */
export function catalogColumns(table: TableName): ExportColumn[] {
  return athenaColumns(table);
}

export interface ResearchExportProps {
  fn: IFunction;
  bucket: IBucket;
  /** `ExportBucket.writerPolicy`, attached to the function's role. */
  writerPolicy: IManagedPolicy;
  /** The exported tables to catalog; their NDJSON files are under `tablePrefix(table, 'ndjson')`. */
  tables: readonly TableName[];
}

/**
 * The daily export run and the catalog that makes its files queryable from Athena: a Glue
 * database and an external table over the gzipped NDJSON, partitioned by month with partition
 * projection (no crawler, no MSCK REPAIR: a new month is queryable the day it is written).
 */
export class ResearchExport extends Construct {
  readonly database: CfnDatabase;
  readonly tables: CfnTable[];
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: ResearchExportProps) {
    super(scope, id);
    if (!props.fn.role) throw new Error('the export function needs a role to attach the writer policy to');
    props.fn.role.addManagedPolicy(props.writerPolicy);
    const invokeRole = new Role(this, 'InvokeRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'breachwire: EventBridge Scheduler invokes the research export',
    });
    const fnResource = props.fn.node.defaultChild as CfnFunction;
    Validations.of(invokeRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(fnResource).getLogicalId(fnResource)}.Arn>:*]`,
      reason: 'CDK\'s grantInvoke also names "<function ARN>:*" (versions and aliases) of this one function.',
    });
    this.schedule = new Schedule(this, 'Daily', {
      description: 'breachwire: daily research export',
      // After the night's quiet hours in Europe and the Americas, before Asia's working day ends.
      schedule: ScheduleExpression.cron({ minute: '30', hour: '3' }),
      target: new LambdaInvoke(props.fn, {
        role: invokeRole,
        // The snapshot instant: a retried or repeated delivery of the same run exports the same rows.
        input: ScheduleTargetInput.fromObject({ asOf: ContextAttribute.scheduledTime }),
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });
    const account = Stack.of(this).account;
    this.database = new CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: { description: 'breachwire research export (Athena)' },
    });
    this.tables = props.tables.map((table) => this.catalogTable(table, props.bucket));
  }

  private catalogTable(table: TableName, bucket: IBucket): CfnTable {
    const location = `s3://${bucket.bucketName}/${tablePrefix(table, 'ndjson')}`;
    return new CfnTable(this, `Table-${table}`, {
      catalogId: this.database.catalogId,
      databaseName: this.database.ref,
      tableInput: {
        name: table,
        description: `breachwire export: ${table} (gzipped NDJSON), one partition per month`,
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: 'month', type: 'string', comment: 'YYYY-MM' }],
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          'projection.month.type': 'date',
          'projection.month.format': 'yyyy-MM',
          'projection.month.range': '2020-01,NOW',
          'projection.month.interval': '1',
          'projection.month.interval.unit': 'MONTHS',
          'storage.location.template': `${location}month=\${month}/`,
        },
        storageDescriptor: {
          location,
          columns: catalogColumns(table),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          compressed: true,
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            parameters: { 'ignore.malformed.json': 'false' },
          },
        },
      },
    });
  }
}
