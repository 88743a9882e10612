import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportPrefixes, tablePrefix } from '../../functions/export/s3-writer.ts';
import { athenaColumns, TABLES } from '../../functions/export/schema.ts';
import { APP_CONTEXT, STAGES } from '../../infra/config.ts';
import { HouseFunction } from '../../infra/constructs/house-function.ts';
import { ExportBucket, ResearchExport } from '../../infra/constructs/research-export.ts';
import { FUNCTION_ENTRIES, LOCK_FILE, PROJECT_ROOT } from '../../infra/entries.ts';
import { actionsOfRole, logicalIdOf, type ValidationReport } from './synth.ts';

let template: Template;
let report: ValidationReport;
let exporter: HouseFunction;

beforeAll(() => {
  const app = new App({ context: APP_CONTEXT });
  const stack = new Stack(app, 'ExportProbe');
  const storage = new ExportBucket(stack, 'Exports', { writablePrefixes: exportPrefixes() });
  exporter = new HouseFunction(stack, 'Export', {
    defaults: {
      runtime: STAGES.dev.functions.runtime,
      memorySize: 512,
      logRetention: STAGES.dev.logRetention,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: LOCK_FILE,
      metricsNamespace: 'Breachwire/test',
    },
    entry: FUNCTION_ENTRIES.export,
    role: 'export',
    description: 'probe',
    timeout: Duration.minutes(5),
  });
  Validations.of(stack).acknowledge({ id: 'AwsSolutions-L1', reason: 'house runtime (see infra/config.ts)' });
  new ResearchExport(stack, 'Research', {
    fn: exporter.fn,
    bucket: storage.bucket,
    writerPolicy: storage.writerPolicy,
    tables: TABLES,
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
    template.resourceCountIs('AWS::Glue::Table', TABLES.length);
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'events',
        PartitionKeys: [{ Name: 'month', Type: 'string', Comment: 'YYYY-MM' }],
        Parameters: Match.objectLike({ 'projection.enabled': 'true', 'projection.month.format': 'yyyy-MM' }),
        StorageDescriptor: Match.objectLike({
          SerdeInfo: Match.objectLike({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' }),
        }),
      }),
    });
  });

  it("gives every Glue table exactly the export's columns (athenaColumns), in order", () => {
    const tables = Object.values(template.findResources('AWS::Glue::Table')).map(
      (resource) => resource['Properties'].TableInput,
    );
    expect(tables.map((table) => table.Name).sort()).toEqual([...TABLES].sort());
    for (const table of TABLES) {
      const input = tables.find((candidate) => candidate.Name === table);
      const columns = input.StorageDescriptor.Columns.map((column: { Name: string; Type: string }) => ({
        name: column.Name,
        type: column.Type,
      }));
      expect(columns).toEqual(athenaColumns(table));
      // No exported column may shadow the partition column.
      expect(columns.map((column: { name: string }) => column.name)).not.toContain('month');
    }
  });

  it("reads each table's NDJSON where the writer puts it (month=YYYY-MM under the table prefix)", () => {
    for (const resource of Object.values(template.findResources('AWS::Glue::Table'))) {
      const input = resource['Properties'].TableInput;
      const locationTemplate = JSON.stringify(input.Parameters['storage.location.template']);
      expect(locationTemplate).toContain(`/${tablePrefix(input.Name, 'ndjson')}month=\${month}/`);
      expect(JSON.stringify(input.StorageDescriptor.Location)).toContain(
        `/${tablePrefix(input.Name, 'ndjson')}`,
      );
    }
  });

  it('runs daily and may only put objects under the export prefixes (no read, no delete)', () => {
    // The scheduled time is the snapshot: a retried delivery exports the same rows.
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 3 * * ? *)',
      Target: Match.objectLike({ Input: JSON.stringify({ asOf: '<aws.scheduler.scheduled-time>' }) }),
    });
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
    const resources = JSON.stringify(statements[0]?.Resource);
    for (const prefix of exportPrefixes()) expect(resources).toContain(`/${prefix}*`);
    expect(statements[0]!.Resource).toHaveLength(exportPrefixes().length);
  });

  it('passes cdk-nag', () => {
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });
});
