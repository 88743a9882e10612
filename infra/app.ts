import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { enabledSources } from '../functions/sources/registry.ts';
import { APP_CONTEXT, type StageConfig, stageConfig } from './config.ts';
import { assertEntriesExist, FUNCTION_ENTRIES, LOCK_FILE, PROJECT_ROOT } from './entries.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

/** The two stacks of one stage. Tests call this with their own App. */
export function buildStage(app: App, config: StageConfig) {
  assertEntriesExist();
  // Stacks are environment-agnostic unless the CLI knows an account and region (deploy time).
  const env =
    process.env['CDK_DEFAULT_ACCOUNT'] && process.env['CDK_DEFAULT_REGION']
      ? { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] }
      : undefined;
  const prefix = `Breachwire-${config.stage}`;
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    ...(env ? { env } : {}),
    description: `breachwire ${config.stage}: table, secrets and export bucket (retained)`,
    terminationProtection: config.stage === 'prod',
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    ...(env ? { env } : {}),
    description: `breachwire ${config.stage}: functions, schedules, API, notifier, export, alarms`,
    config,
    table: stateful.table,
    slackWebhooks: stateful.slackWebhooks,
    exportBucket: stateful.exports.bucket,
    exportWriterPolicy: stateful.exports.writerPolicy,
    sources: enabledSources(),
    entries: FUNCTION_ENTRIES,
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: LOCK_FILE,
  });
  for (const stack of [stateful, stateless]) {
    Tags.of(stack).add('project', 'breachwire');
    Tags.of(stack).add('stage', config.stage);
  }
  // cdk-nag runs on every synth; an unsuppressed finding is an error annotation and fails synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { stateful, stateless };
}

// Only run as the CDK app, not when a test imports buildStage.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const app = new App({ context: APP_CONTEXT });
  buildStage(app, stageConfig(app.node.tryGetContext('stage')));
  app.synth();
}
