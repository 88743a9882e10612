import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildStage } from '../../infra/app.ts';
import { APP_CONTEXT, STAGES, type StageName } from '../../infra/config.ts';

/** cdk-nag's findings as CDK's policy-validation report records them. */
export interface ValidationReport {
  pluginReports: {
    summary?: { pluginName?: string };
    violations?: { ruleName: string; description?: string }[];
  }[];
}

/** One synth of a stage, exactly as `cdk synth` builds it (cdk-nag included), for a test file to share. */
export function synthStage(stage: StageName) {
  const app = new App({ context: APP_CONTEXT });
  const { stateful, stateless } = buildStage(app, STAGES[stage]);
  const assembly = app.synth();
  const template = (name: string) => Template.fromJSON(assembly.getStackByName(name).template);
  const report = JSON.parse(
    readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'),
  ) as ValidationReport;
  return {
    app,
    assembly,
    stateful,
    stateless,
    statefulTemplate: template(stateful.stackName),
    statelessTemplate: template(stateless.stackName),
    report,
  };
}

/** The logical id of a construct's CloudFormation resource in its stack. */
export function logicalIdOf(construct: { node: { defaultChild?: unknown } }): string {
  const resource = construct.node.defaultChild as { stack: { getLogicalId(x: unknown): string } };
  return resource.stack.getLogicalId(resource);
}

type Statement = { Action: string | string[]; Effect: string };

/** Every IAM action granted by inline policies attached to the role with this logical id. */
export function actionsOfRole(template: Template, roleLogicalId: string): string[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } } }
  >;
  return Object.values(policies)
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
}
