import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_CONTEXT, STAGES } from '../../infra/config.ts';
import { HouseFunction } from '../../infra/constructs/house-function.ts';
import { OutboxNotifier } from '../../infra/constructs/outbox-notifier.ts';
import { FUNCTION_ENTRIES, LOCK_FILE, PROJECT_ROOT } from '../../infra/entries.ts';
import type { ValidationReport } from './synth.ts';
import { actionsOfRole, logicalIdOf } from './synth.ts';

let template: Template;
let report: ValidationReport;
let notifier: HouseFunction;

beforeAll(() => {
  const app = new App({ context: APP_CONTEXT });
  const stack = new Stack(app, 'NotifierProbe');
  const table = new TableV2(stack, 'Table', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  const secret = new Secret(stack, 'Webhooks');
  Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'test probe' });
  const config = STAGES.dev;
  notifier = new HouseFunction(stack, 'Notify', {
    defaults: {
      runtime: config.functions.runtime,
      memorySize: 256,
      logRetention: config.logRetention,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: LOCK_FILE,
      metricsNamespace: 'Breachwire/test',
    },
    entry: FUNCTION_ENTRIES.notify,
    role: 'notify',
    description: 'probe',
    timeout: Duration.seconds(30),
  });
  Validations.of(stack).acknowledge({ id: 'AwsSolutions-L1', reason: 'house runtime (see infra/config.ts)' });
  new OutboxNotifier(stack, 'Outbox', {
    fn: notifier.fn,
    table,
    slackWebhooks: secret,
    retryAttempts: 3,
    maxRecordAge: Duration.hours(1),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  template = Template.fromJSON(assembly.getStackByName('NotifierProbe').template);
  report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
}, 120_000);

describe('the outbox notifier trigger', () => {
  it('reads only new outbox entries from the stream, with partial batch failures and bounded retries', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'LATEST',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
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
  });

  it('may read the Slack secret (the only function that can)', () => {
    expect(actionsOfRole(template, logicalIdOf(notifier.role))).toContain('secretsmanager:GetSecretValue');
  });

  it('passes cdk-nag', () => {
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });
});
