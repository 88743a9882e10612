import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_CONTEXT, STAGES } from '../../infra/config.ts';
import { HouseFunction } from '../../infra/constructs/house-function.ts';
import { ExportBucket, ResearchExport } from '../../infra/constructs/research-export.ts';
import { LOCK_FILE, PROJECT_ROOT } from '../../infra/entries.ts';
import { actionsOfRole, logicalIdOf, type ValidationReport } from './synth.ts';

const FIXTURE_ENTRY = fileURLToPath(new URL('./fixtures/noop-handler.ts', import.meta.url));

let template: Template;
let report: ValidationReport;
let exporter: HouseFunction;

beforeAll(() => {
  const app = new App({ context: APP_CONTEXT });
  const stack = new Stack(app, 'ExportProbe');
  const storage = new ExportBucket(stack, 'Exports', { writablePrefixes: ['ndjson/', 'csv/'] });
  exporter = new HouseFunction(stack, 'Export', {
    defaults: {
      runtime: STAGES.dev.functions.runtime,
      memorySize: 512,
      logRetention: STAGES.dev.logRetention,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: LOCK_FILE,
      metricsNamespace: 'Breachwire/test',
    },
    entry: FIXTURE_ENTRY,
    role: 'export',
    description: 'probe',
    timeout: Duration.minutes(5),
  });
  Validations.of(stack).acknowledge({ id: 'AwsSolutions-L1', reason: 'house runtime (see infra/config.ts)' });
  new ResearchExport(stack, 'Research', {
    fn: exporter.fn,
    bucket: storage.bucket,
    writerPolicy: storage.writerPolicy,
    tables: [
      {
        name: 'events',
        prefix: 'ndjson/events/',
        columns: [
          { name: 'event_id', type: 'string' },
          { name: 'affected_count', type: 'bigint' },
        ],
      },
      { name: 'documents', prefix: 'ndjson/documents/', columns: [{ name: 'document_id', type: 'string' }] },
    ],
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  template = Template.fromJSON(assembly.getStackByName('ExportProbe').template);
  report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
}, 120_000);

describe('the research export', () => {
  it('writes to private, encrypted, TLS-only buckets with lifecycle rules and access logs', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(2);
    for (const bucket of buckets) {
      expect(bucket['DeletionPolicy']).toBe('Retain');
      expect(bucket['Properties']).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: { ServerSideEncryptionConfiguration: [expect.anything()] },
        LifecycleConfiguration: { Rules: expect.any(Array) },
      });
    }
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'exports/' },
    });
    for (const policy of Object.values(template.findResources('AWS::S3::BucketPolicy'))) {
      expect(policy['Properties'].PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('catalogs each exported table for Athena, partitioned by month with projection', () => {
    template.resourceCountIs('AWS::Glue::Database', 1);
    template.resourceCountIs('AWS::Glue::Table', 2);
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'events',
        PartitionKeys: [{ Name: 'month', Type: 'string', Comment: 'YYYY-MM' }],
        Parameters: Match.objectLike({ 'projection.enabled': 'true', 'projection.month.format': 'yyyy-MM' }),
        StorageDescriptor: Match.objectLike({
          Columns: [
            { Name: 'event_id', Type: 'string' },
            { Name: 'affected_count', Type: 'bigint' },
          ],
          SerdeInfo: Match.objectLike({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' }),
        }),
      }),
    });
  });

  it('runs daily and may only put objects under the export prefixes (no read, no delete)', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(30 3 * * ? *)' });
    expect(actionsOfRole(template, logicalIdOf(exporter.role)).filter((a) => a.startsWith('s3:'))).toEqual(
      [],
    );
    const [[writerId, writer]] = Object.entries(template.findResources('AWS::IAM::ManagedPolicy')) as [
      [string, { Properties: { PolicyDocument: { Statement: { Action: string; Resource: unknown }[] } } }],
    ];
    const exporterRole = template.toJSON().Resources[logicalIdOf(exporter.role)];
    expect(exporterRole.Properties.ManagedPolicyArns).toEqual([{ Ref: writerId }]);
    const statements = writer.Properties.PolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Action).toBe('s3:PutObject');
    expect(JSON.stringify(statements[0]?.Resource)).toMatch(/ndjson\/\*.*csv\/\*/);
  });

  it('passes cdk-nag', () => {
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });
});
