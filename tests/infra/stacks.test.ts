import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { InlineCode, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportPrefixes } from '../../functions/export/s3-writer.ts';
import { athenaColumns, TABLES } from '../../functions/export/schema.ts';
import { METRIC } from '../../functions/handlers/metric-names.ts';
import { enabledSources, sources } from '../../functions/sources/registry.ts';
import { createTableInput, TABLE_DEFINITION } from '../../functions/store/table.ts';
import { STAGES, stageConfig } from '../../infra/config.ts';
import { IngestSchedules } from '../../infra/constructs/ingest-schedules.ts';
import { OutboxSweep } from '../../infra/constructs/outbox-sweep.ts';
import { TABLE_LOGICAL_ID } from '../../infra/stateful-stack.ts';
import { actionsOfRole, logicalIdOf, synthStage } from './synth.ts';

type Synth = ReturnType<typeof synthStage>;
let dev: Synth;
let stateful: Template;
let stateless: Template;

beforeAll(() => {
  dev = synthStage('dev');
  stateful = dev.statefulTemplate;
  stateless = dev.statelessTemplate;
}, 120_000);

describe('the table', () => {
  it('has exactly the keys and indexes of TABLE_DEFINITION (the local runner uses the same)', () => {
    const expected = createTableInput('ignored');
    const [table] = Object.values(stateful.findResources('AWS::DynamoDB::GlobalTable'));
    expect(Object.keys(stateful.findResources('AWS::DynamoDB::GlobalTable'))).toHaveLength(1);
    const props = table?.['Properties'];
    expect(props.KeySchema).toEqual(expected.KeySchema);
    expect(new Set(props.AttributeDefinitions)).toEqual(new Set(expected.AttributeDefinitions));
    expect(props.GlobalSecondaryIndexes).toEqual(expected.GlobalSecondaryIndexes);
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('is protected: PITR, deletion protection, retained on delete and replace', () => {
    stateful.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });

  it('expires items on the TTL attribute and streams new and old images for the notifier', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: TABLE_DEFINITION.ttlAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('keeps its pinned logical id, so no refactor can replace it with an empty table', () => {
    expect(TABLE_LOGICAL_ID).toBe('BreachwireTable');
    expect(stateful.toJSON().Resources.BreachwireTable.Type).toBe('AWS::DynamoDB::GlobalTable');
  });
});

describe('ingest schedules', () => {
  // The ingest schedules only (the research export has its own daily one).
  const schedules = () =>
    Object.values(stateless.findResources('AWS::Scheduler::Schedule'))
      .map((resource) => resource['Properties'])
      .filter((props) => JSON.stringify(props.Target.Arn).includes(logicalIdOf(dev.stateless.ingest.fn)));

  it('has one schedule per enabled source and none for disabled ones', () => {
    const ids = schedules().map((props) => JSON.parse(props.Target.Input).sourceId);
    expect(ids.sort()).toEqual(
      enabledSources()
        .map((source) => source.id)
        .sort(),
    );
    expect(enabledSources().length).toBeLessThan(sources.length);
  });

  it('runs each source at its own rate with input {sourceId}, a flexible window, retries and the DLQ', () => {
    const byId = new Map(schedules().map((props) => [JSON.parse(props.Target.Input).sourceId, props]));
    const dlq = logicalIdOf(dev.stateless.schedules.deadLetterQueue);
    for (const source of enabledSources()) {
      const props = byId.get(source.id);
      expect(props.ScheduleExpression).toBe(`rate(${source.everyMinutes} minutes)`);
      expect(JSON.parse(props.Target.Input)).toEqual({ sourceId: source.id });
      expect(props.FlexibleTimeWindow.Mode).toBe('FLEXIBLE');
      expect(props.FlexibleTimeWindow.MaximumWindowInMinutes).toBeLessThanOrEqual(source.everyMinutes / 4);
      expect(props.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 });
      expect(props.Target.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [dlq, 'Arn'] });
      expect(props.Target.Arn).toEqual({ 'Fn::GetAtt': [logicalIdOf(dev.stateless.ingest.fn), 'Arn'] });
    }
  });

  it('sends failed ingest invocations to the same encrypted, SSL-only DLQ without Lambda retries', () => {
    stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    stateless.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('refuses at synth a schedule whose runs could overlap (timeout + window ≥ period)', () => {
    const stack = new Stack(new App());
    const target = new LambdaFunction(stack, 'Fn', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: new InlineCode('export const handler = async () => {}'),
    });
    const build = (timeoutMinutes: number) =>
      new IngestSchedules(stack, `S${timeoutMinutes}`, {
        target,
        sources: [{ id: 'fast', everyMinutes: 15 }],
        functionTimeout: Duration.minutes(timeoutMinutes),
        maxFlexibleWindow: Duration.minutes(15),
        retryAttempts: 0,
        maxEventAge: Duration.minutes(5),
      });
    expect(() => build(12)).toThrow(/could overlap/);
  });
});

type PolicyStatement = { Action: string | string[]; Effect: string; Resource: unknown };

/** The Allow statements of a role's inline policies. */
function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) =>
      policy['Properties'].Roles.some((role: { Ref: string }) => role.Ref === roleLogicalId),
    )
    .flatMap((policy) => policy['Properties'].PolicyDocument.Statement as PolicyStatement[])
    .filter((statement) => statement.Effect === 'Allow');
}

const actionsOf = (statement: PolicyStatement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

describe('the Slack notifier', () => {
  const notifyRole = () => logicalIdOf(dev.stateless.notify.role);

  it('is triggered by new OUT# items only, with partial batch failures, bisect, bounded retries and a failure queue', () => {
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(dev.stateless.notify.fn) },
      StartingPosition: 'LATEST',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: stageConfig('dev').notifier.retryAttempts,
      MaximumRecordAgeInSeconds: stageConfig('dev').notifier.maxRecordAge.toSeconds(),
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalIdOf(dev.stateless.outboxNotifier.deadLetterQueue), 'Arn'] },
        },
      },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { Keys: { pk: { S: [{ prefix: 'OUT#' }] } } },
            }),
          },
        ],
      },
    });
    stateless.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });

  it('reads exactly the one Slack secret, by its ARN, and nothing else in Secrets Manager', () => {
    const secretStatements = statementsOfRole(stateless, notifyRole()).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('secretsmanager:')),
    );
    expect(secretStatements).toHaveLength(1);
    expect(actionsOf(secretStatements[0]!).sort()).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    // The stateful stack's export of the secret's Ref (its full ARN): no wildcard, no other secret.
    expect(JSON.stringify(secretStatements[0]!.Resource)).toMatch(
      /^\{"Fn::ImportValue":"Breachwire-dev-Stateful:ExportsOutputRefSlackWebhooks[0-9A-F]+"\}$/,
    );
  });

  it('reads and writes the table (outbox, deliveries) but cannot Scan or delete', () => {
    const actions = actionsOfRole(stateless, notifyRole());
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:Query',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]),
    );
    for (const forbidden of ['dynamodb:Scan', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:*'])
      expect(actions).not.toContain(forbidden);
    // Only the stream, the failure queue, the log group: no S3, no other service.
    const services = new Set(actions.map((action) => action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'secretsmanager', 'sqs']);
  });

  it("finds the secret's ARN and the public URL in its environment, never a webhook", () => {
    const fn = stateless.toJSON().Resources[logicalIdOf(dev.stateless.notify.fn)];
    const variables = fn.Properties.Environment.Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining(['BREACHWIRE_TABLE', 'BREACHWIRE_SUBSCRIPTIONS_ARN', 'BREACHWIRE_PUBLIC_URL']),
    );
    expect(JSON.stringify(variables.BREACHWIRE_SUBSCRIPTIONS_ARN)).toContain('ExportsOutputRefSlackWebhooks');
  });

  it('has a timeout longer than one POST plus its record write (the drain deadline fits inside)', () => {
    const fn = stateless.toJSON().Resources[logicalIdOf(dev.stateless.notify.fn)];
    expect(fn.Properties.Timeout).toBe(stageConfig('dev').functions.notifyTimeout.toSeconds());
    expect(fn.Properties.Timeout).toBeGreaterThanOrEqual(60);
  });
});

describe('the outbox sweep', () => {
  const sweep = () => dev.stateless.outboxSweep;
  const notifyFn = () => logicalIdOf(dev.stateless.notify.fn);
  const sweepSchedules = () =>
    Object.values(stateless.findResources('AWS::Scheduler::Schedule'))
      .map((resource) => resource['Properties'])
      .filter((props) => JSON.stringify(props.Target.Arn).includes(notifyFn()));

  it('is one schedule invoking the notify function with exactly {"sweep":true}', () => {
    const schedules = sweepSchedules();
    expect(schedules).toHaveLength(1);
    const [props] = schedules;
    const { notifier, schedules: scheduling } = stageConfig('dev');
    expect(notifier.sweepEveryMinutes).toBe(15);
    expect(props.ScheduleExpression).toBe(`rate(${notifier.sweepEveryMinutes} minutes)`);
    expect(props.Target.Input).toBe('{"sweep":true}');
    expect(props.Target.Arn).toEqual({ 'Fn::GetAtt': [notifyFn(), 'Arn'] });
    expect(props.FlexibleTimeWindow.Mode).toBe('FLEXIBLE');
    expect(props.FlexibleTimeWindow.MaximumWindowInMinutes).toBeGreaterThanOrEqual(1);
    expect(props.FlexibleTimeWindow.MaximumWindowInMinutes).toBeLessThanOrEqual(
      notifier.sweepEveryMinutes / 4,
    );
    expect(props.Target.RetryPolicy).toEqual({
      MaximumRetryAttempts: scheduling.retryAttempts,
      MaximumEventAgeInSeconds: scheduling.maxEventAge.toSeconds(),
    });
    expect(props.Target.DeadLetterConfig.Arn).toEqual({
      'Fn::GetAtt': [logicalIdOf(sweep().deadLetterQueue), 'Arn'],
    });
    expect(props.Target.RoleArn).toEqual({ 'Fn::GetAtt': [logicalIdOf(sweep().invokeRole), 'Arn'] });
  });

  it('sends failed sweeps (async invocations) to its own DLQ without Lambda retries', () => {
    stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: notifyFn() },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: stageConfig('dev').schedules.maxEventAge.toSeconds(),
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(sweep().deadLetterQueue), 'Arn'] } },
      },
    });
  });

  it('has an encrypted, TLS-only dead-letter queue with an alarm', () => {
    const queueId = logicalIdOf(sweep().deadLetterQueue);
    const queue = stateless.toJSON().Resources[queueId];
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
  });

  it('runs as a role that can only invoke the notify function and send to its DLQ', () => {
    const roleId = logicalIdOf(sweep().invokeRole);
    const role = stateless.toJSON().Resources[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = statementsOfRole(stateless, roleId);
    expect(statements.flatMap((statement) => actionsOf(statement)).sort()).toEqual([
      'lambda:InvokeFunction',
      'sqs:SendMessage',
    ]);
    const invoke = statements.find((statement) => actionsOf(statement).includes('lambda:InvokeFunction'));
    expect(invoke?.Resource).toEqual([
      { 'Fn::GetAtt': [notifyFn(), 'Arn'] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [notifyFn(), 'Arn'] }, ':*']] },
    ]);
    const send = statements.find((statement) => actionsOf(statement).includes('sqs:SendMessage'));
    expect(send?.Resource).toEqual({ 'Fn::GetAtt': [logicalIdOf(sweep().deadLetterQueue), 'Arn'] });
  });

  it('refuses at synth a sweep period that timeout + window would overrun', () => {
    const stack = new Stack(new App());
    const fn = new LambdaFunction(stack, 'Fn', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: new InlineCode('export const handler = async () => {}'),
    });
    const build = (everyMinutes: number) =>
      new OutboxSweep(stack, `S${everyMinutes}`, {
        fn,
        everyMinutes,
        functionTimeout: Duration.seconds(90),
        maxFlexibleWindow: Duration.minutes(15),
        retryAttempts: 0,
        maxEventAge: Duration.minutes(5),
      });
    expect(() => build(3)).toThrow(/could pile up/);
    expect(() => build(15)).not.toThrow();
  });
});

describe('the research export', () => {
  const exportRole = () => logicalIdOf(dev.stateless.export.role);

  it('runs daily with the scheduled time as its snapshot', () => {
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 3 * * ? *)',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalIdOf(dev.stateless.export.fn), 'Arn'] },
        Input: JSON.stringify({ asOf: '<aws.scheduler.scheduled-time>' }),
      }),
    });
  });

  it('runs one at a time (reserved concurrency 1 in every stage), so two runs cannot mix snapshots', () => {
    for (const stage of Object.values(STAGES)) expect(stage.functions.exportReservedConcurrency).toBe(1);
    const fn = stateless.toJSON().Resources[logicalIdOf(dev.stateless.export.fn)];
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('reads the table only and writes S3 only through the writer policy (PutObject on the export prefixes)', () => {
    const actions = actionsOfRole(stateless, exportRole());
    expect(actions.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual(
      ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'].sort(),
    );
    expect(
      actions.filter((action) => action.startsWith('s3:') || action.startsWith('secretsmanager:')),
    ).toEqual([]);
    const role = stateless.toJSON().Resources[exportRole()];
    expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(
      'ExportsOutputRefExportsWriterPolicy',
    );
    const [writer] = Object.values(stateful.findResources('AWS::IAM::ManagedPolicy'));
    const statements = writer?.['Properties'].PolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('s3:PutObject');
    const resources = JSON.stringify(statements[0].Resource);
    expect(statements[0].Resource).toHaveLength(exportPrefixes().length);
    for (const prefix of exportPrefixes()) expect(resources).toContain(`/${prefix}*`);
  });

  it('keeps the export bucket in the stateful stack: retained, private, encrypted, TLS-only, with lifecycle rules', () => {
    const bucketId = logicalIdOf(dev.stateful.exports.bucket);
    const bucket = stateful.toJSON().Resources[bucketId];
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: {
        Rules: expect.arrayContaining([
          expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        ]),
      },
      LoggingConfiguration: expect.objectContaining({ LogFilePrefix: 'exports/' }),
    });
    const policies = Object.values(stateful.findResources('AWS::S3::BucketPolicy')).filter(
      (policy) => policy['Properties'].Bucket.Ref === bucketId,
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]!['Properties'].PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    stateless.resourceCountIs('AWS::S3::Bucket', 0);
  });

  it("catalogs the four tables for Athena with exactly the export's columns", () => {
    const tables = Object.values(stateless.findResources('AWS::Glue::Table')).map(
      (resource) => resource['Properties'].TableInput,
    );
    expect(tables.map((table) => table.Name).sort()).toEqual([...TABLES].sort());
    for (const table of tables) {
      expect(
        table.StorageDescriptor.Columns.map((column: { Name: string; Type: string }) => ({
          name: column.Name,
          type: column.Type,
        })),
      ).toEqual(athenaColumns(table.Name));
    }
  });
});

describe('least privilege', () => {
  const roleOf = (fn: { role: object }) => logicalIdOf(fn.role as never);

  it('the API function can only read the table (no writes, no Scan)', () => {
    const actions = actionsOfRole(stateless, roleOf(dev.stateless.api));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    for (const forbidden of [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:Scan',
      'dynamodb:*',
    ]) {
      expect(actions).not.toContain(forbidden);
    }
    expect(actions.filter((action) => action.startsWith('secretsmanager:'))).toEqual([]);
  });

  it('the ingest function cannot read secrets, delete items or Scan', () => {
    const actions = actionsOfRole(stateless, roleOf(dev.stateless.ingest));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem']));
    expect(actions).not.toContain('secretsmanager:GetSecretValue');
    expect(actions.filter((action) => action.startsWith('secretsmanager:'))).toEqual([]);
    expect(actions).not.toContain('dynamodb:DeleteItem');
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('no role uses AWS managed policies and no policy grants a wildcard action', () => {
    // Customer-managed policies defined in these stacks are fine; AWS-managed ones are too broad.
    for (const role of Object.values(stateless.findResources('AWS::IAM::Role'))) {
      expect(JSON.stringify(role['Properties'].ManagedPolicyArns ?? [])).not.toContain(':iam::aws:policy/');
    }
    const json = JSON.stringify(stateless.findResources('AWS::IAM::Policy'));
    expect(json).not.toMatch(/"[a-z0-9-]+:\*"/);
    expect(json).not.toContain('"*"');
  });
});

describe('functions', () => {
  it('are ARM64 on the house runtime with source maps and an explicit, retained-for-a-while log group', () => {
    const functions = Object.values(stateless.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(2);
    for (const fn of functions) {
      expect(fn['Properties']).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs22.x',
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
    }
    for (const group of Object.values(stateless.findResources('AWS::Logs::LogGroup'))) {
      expect(group['Properties'].RetentionInDays).toBe(7);
    }
  });

  it('carry no secret in their environment', () => {
    const secretId = logicalIdOf(dev.stateful.slackWebhooks);
    for (const fn of Object.values(stateless.findResources('AWS::Lambda::Function'))) {
      const variables: Record<string, unknown> = fn['Properties'].Environment.Variables;
      for (const [name, value] of Object.entries(variables)) {
        expect(name).not.toMatch(/SECRET|WEBHOOK|TOKEN|PASSWORD/);
        expect(JSON.stringify(value)).not.toMatch(/hooks\.slack\.com|SecretString/);
      }
    }
    // The secret's value is generated by Secrets Manager and set by an operator, never templated.
    const secret = stateful.toJSON().Resources[secretId];
    expect(secret.Type).toBe('AWS::SecretsManager::Secret');
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(JSON.stringify(stateful.toJSON()) + JSON.stringify(stateless.toJSON())).not.toContain(
      'hooks.slack.com',
    );
  });
});

describe('the API', () => {
  it('is an HTTP API whose browsers may only GET, throttled and access-logged', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({ AllowMethods: ['GET', 'HEAD', 'OPTIONS'] }),
    });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });
});

describe('observability', () => {
  const alarms = () =>
    Object.values(stateless.findResources('AWS::CloudWatch::Alarm')).map((a) => a['Properties']);

  it("alarms on each function's errors, on dead letters and on a source failing N runs in a row", () => {
    const all = alarms();
    const errors = all.filter((alarm) => alarm.MetricName === 'Errors' && alarm.Namespace === 'AWS/Lambda');
    expect(errors).toHaveLength(Object.values(stateless.findResources('AWS::Lambda::Function')).length);
    expect(all.some((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible')).toBe(true);
    expect(all).toContainEqual(
      expect.objectContaining({
        MetricName: METRIC.sourceConsecutiveFailures,
        Namespace: 'Breachwire/dev',
        Statistic: 'Maximum',
        Threshold: stageConfig('dev').alarms.consecutiveSourceFailures,
        Dimensions: [{ Name: 'service', Value: 'breachwire' }],
      }),
    );
    for (const alarm of all) expect(alarm.AlarmActions).toHaveLength(1);
  });

  it('has a dashboard', () => {
    stateless.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('S3', () => {
  it('no bucket in either stack is public or reachable without TLS', () => {
    for (const template of [stateful, stateless]) {
      for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
        expect(bucket['Properties'].PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
      }
      for (const policy of Object.values(template.findResources('AWS::S3::BucketPolicy'))) {
        const statements: { Effect: string; Principal?: unknown }[] =
          policy['Properties'].PolicyDocument.Statement;
        for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
          expect(JSON.stringify(statement.Principal)).not.toMatch(/^"\*"$|"AWS":"\*"/);
        }
      }
    }
  });
});

describe('cdk-nag', () => {
  it('reports zero findings for both stacks (every suppression is acknowledged in code)', () => {
    const violations = dev.report.pluginReports.flatMap((report) => report.violations ?? []);
    expect(violations).toEqual([]);
  });

  it('would report a finding if one existed (the check is live)', () => {
    const app = new App();
    const stack = new Stack(app, 'NagProbe');
    new Queue(stack, 'Plain');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS/);
  });
});

describe('stages', () => {
  it('selects a stage by name and refuses unknown ones', () => {
    expect(stageConfig(undefined).stage).toBe('dev');
    expect(stageConfig('prod').functions.ingestReservedConcurrency).toBe(5);
    expect(() => stageConfig('staging')).toThrow(/unknown stage "staging"/);
  });
});
