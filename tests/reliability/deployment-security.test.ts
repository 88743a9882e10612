import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGES, type StageName } from '../../infra/config.ts';
import { logicalIdOf, synthStage } from '../infra/synth.ts';

/**
 * What tests/infra/* leaves implicit about the deployment's security, asserted on the
 * synthesized templates of both stages (the same synth as `cdk synth`, cdk-nag included):
 * each function's whole permission set (inline and managed policies) against an allow-list,
 * secrets only by reference, encryption at rest and TLS-only access for every queue and
 * bucket, throttling on every API stage, and no public way into S3 or around the API.
 */

type Synth = ReturnType<typeof synthStage>;
type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown };

const stages: Partial<Record<StageName, Synth>> = {};

beforeAll(() => {
  for (const stage of ['dev', 'prod'] as const) stages[stage] = synthStage(stage);
}, 240_000);

const both = (synth: Synth): Template[] => [synth.statefulTemplate, synth.statelessTemplate];

function resources(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Every Allow statement a role gets: inline policies naming it, and managed policies (of
 * either stack; a cross-stack one is referenced through an import that carries its logical id).
 */
function allowedStatements(synth: Synth, roleLogicalId: string): Statement[] {
  const stateless = synth.statelessTemplate;
  const inline = resources(stateless, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties['Roles']).includes(`"${roleLogicalId}"`))
    .flatMap(([, policy]) => (policy.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement);
  const role = stateless.toJSON().Resources[roleLogicalId] as Resource;
  const attached = JSON.stringify(role.Properties['ManagedPolicyArns'] ?? []);
  const managed = both(synth)
    .flatMap((template) => resources(template, 'AWS::IAM::ManagedPolicy'))
    .filter(([id]) => attached.includes(id))
    .flatMap(([, policy]) => (policy.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement);
  return [...inline, ...managed].filter((statement) => statement.Effect === 'Allow');
}

const actionsOf = (statements: Statement[]) =>
  [...new Set(statements.flatMap((s) => asList(s.Action)))].sort();

const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const TABLE_READ = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const TABLE_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];
const DEAD_LETTERS = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
const STREAM = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];

/** Everything each function may do; anything else (Scan, Delete*, secrets, S3 reads…) is refused. */
const ALLOWED: Record<'api' | 'ingest' | 'notify' | 'export', string[]> = {
  api: [...LOGS, ...TABLE_READ],
  ingest: [...LOGS, ...TABLE_READ, ...TABLE_WRITE, ...DEAD_LETTERS],
  notify: [
    ...LOGS,
    ...TABLE_READ,
    ...TABLE_WRITE,
    ...DEAD_LETTERS,
    ...STREAM,
    'secretsmanager:DescribeSecret',
    'secretsmanager:GetSecretValue',
  ],
  export: [...LOGS, ...TABLE_READ, 's3:PutObject'],
};

describe.each(['dev', 'prod'] as const)('deployment security (%s)', (stage) => {
  const synth = () => stages[stage]!;
  const roleOf = (name: keyof typeof ALLOWED) => {
    const fn = (synth().stateless as unknown as Record<string, { role?: object; fn?: { role?: object } }>)[
      name
    ];
    const role = fn?.role ?? fn?.fn?.role;
    if (!role) throw new Error(`no role for the ${name} function`);
    return logicalIdOf(role as never);
  };

  it('each function may do only what its job needs: the API reads, only ingest and the notifier write, none deletes or Scans', () => {
    for (const name of Object.keys(ALLOWED) as (keyof typeof ALLOWED)[]) {
      const actions = actionsOf(allowedStatements(synth(), roleOf(name)));
      expect(actions, name).toEqual(expect.arrayContaining(['dynamodb:GetItem']));
      expect(
        actions.filter((action) => !ALLOWED[name].includes(action)),
        name,
      ).toEqual([]);
      expect(
        actions.some((action) => /Delete|Scan|\*|PartiQL|Transact|BatchWrite/.test(action)),
        name,
      ).toBe(false);
    }
    const api = actionsOf(allowedStatements(synth(), roleOf('api')));
    expect(api.filter((action) => !action.startsWith('logs:'))).toEqual(TABLE_READ);
  });

  it('only the notifier may read the Slack secret, and only that one secret', () => {
    const secretId = logicalIdOf(synth().stateful.slackWebhooks);
    for (const name of Object.keys(ALLOWED) as (keyof typeof ALLOWED)[]) {
      const secretStatements = allowedStatements(synth(), roleOf(name)).filter((statement) =>
        asList(statement.Action).some(
          (action) => action.startsWith('secretsmanager:') || action.startsWith('kms:'),
        ),
      );
      if (name !== 'notify') expect(secretStatements, name).toEqual([]);
      for (const statement of secretStatements) {
        expect(asList(statement.Resource), name).toHaveLength(1);
        expect(JSON.stringify(statement.Resource), name).toContain(secretId);
      }
    }
    // Nothing in the stateless stack outside the notifier's role mentions the secret but its ARN variable.
    const policies = JSON.stringify(resources(synth().statelessTemplate, 'AWS::IAM::Policy'));
    expect(policies.split(secretId).length - 1).toBe(1);
  });

  it('keeps secrets out of environment variables: names and values, in every function', () => {
    const functions = resources(synth().statelessTemplate, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(4);
    for (const [id, fn] of functions) {
      const variables = (fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
      for (const [name, value] of Object.entries(variables)) {
        expect(name, id).not.toMatch(/SECRET|TOKEN|PASSWORD|WEBHOOK|API_KEY|PRIVATE/);
        // A plain string is configuration (a name, a level); anything else is a reference, never a value.
        if (typeof value === 'string')
          expect(value, `${id} ${name}`).not.toMatch(
            /hooks\.slack\.com|xox[abpr]-|AKIA[0-9A-Z]{16}|-----BEGIN|[A-Za-z0-9+/_-]{40,}/,
          );
        else
          expect(JSON.stringify(value), `${id} ${name}`).toMatch(
            /"(Ref|Fn::ImportValue|Fn::GetAtt|Fn::Join)"/,
          );
      }
    }
    // The secret's value is never part of a template, an output or a parameter.
    for (const template of both(synth())) {
      const json = JSON.stringify(template.toJSON());
      expect(json.match(/hooks\.slack\.com|"SecretString"|xox[abpr]-/)).toBeNull();
    }
  });

  it('encrypts every queue and bucket at rest and refuses their plain-HTTP access; the table keeps DynamoDB encryption', () => {
    for (const template of both(synth())) {
      for (const [id, queue] of resources(template, 'AWS::SQS::Queue')) {
        expect(
          queue.Properties['SqsManagedSseEnabled'] === true || queue.Properties['KmsMasterKeyId'],
          id,
        ).toBeTruthy();
        const policies = JSON.stringify(resources(template, 'AWS::SQS::QueuePolicy'));
        expect(policies, `${id} TLS-only`).toContain(`"Ref":"${id}"`);
      }
      for (const [id, bucket] of resources(template, 'AWS::S3::Bucket')) {
        const rules = (
          bucket.Properties['BucketEncryption'] as {
            ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { SSEAlgorithm: string } }[];
          }
        ).ServerSideEncryptionConfiguration;
        expect(
          rules.map((rule) => rule.ServerSideEncryptionByDefault.SSEAlgorithm),
          id,
        ).toEqual([expect.stringMatching(/^(AES256|aws:kms|aws:kms:dsse)$/)]);
        const policy = resources(template, 'AWS::S3::BucketPolicy').find(([, candidate]) =>
          JSON.stringify(candidate.Properties['Bucket']).includes(`"${id}"`),
        );
        expect(JSON.stringify(policy?.[1].Properties['PolicyDocument']), `${id} TLS-only`).toContain(
          '"aws:SecureTransport":"false"',
        );
      }
    }
    // DynamoDB encrypts every table at rest; a customer key, if one is ever set, must be usable by the readers.
    const [[, table] = []] = resources(synth().statefulTemplate, 'AWS::DynamoDB::GlobalTable');
    const sse = table?.Properties['SSESpecification'] as
      | { SSEEnabled?: boolean; SSEType?: string }
      | undefined;
    if (sse?.SSEType === 'KMS')
      expect(actionsOf(allowedStatements(synth(), roleOf('api')))).toContain('kms:Decrypt');
    else expect(sse === undefined || typeof sse.SSEEnabled === 'boolean').toBe(true);
  });

  it("throttles the API at the stage's configured rates, and the function is reachable only through it", () => {
    const config = STAGES[stage].api;
    const stagesOfApi = resources(synth().statelessTemplate, 'AWS::ApiGatewayV2::Stage');
    expect(stagesOfApi.length).toBeGreaterThan(0);
    for (const [id, apiStage] of stagesOfApi) {
      expect(apiStage.Properties['DefaultRouteSettings'], id).toEqual({
        ThrottlingRateLimit: config.throttleRateLimit,
        ThrottlingBurstLimit: config.throttleBurstLimit,
      });
      expect(config.throttleRateLimit).toBeGreaterThan(0);
    }
    // No public function URL beside the throttled API, and every invoke permission is scoped to its caller.
    expect(resources(synth().statelessTemplate, 'AWS::Lambda::Url')).toEqual([]);
    for (const [id, permission] of resources(synth().statelessTemplate, 'AWS::Lambda::Permission')) {
      expect(permission.Properties['Principal'], id).not.toBe('*');
      expect(permission.Properties['SourceArn'], id).toBeDefined();
    }
  });

  it('gives S3 no public access: every bucket blocks it, no policy allows anyone, no website or public ACL', () => {
    for (const template of both(synth())) {
      for (const [id, bucket] of resources(template, 'AWS::S3::Bucket')) {
        expect(bucket.Properties['PublicAccessBlockConfiguration'], id).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        expect(bucket.Properties['WebsiteConfiguration'], id).toBeUndefined();
        expect(String(bucket.Properties['AccessControl'] ?? ''), id).not.toMatch(/Public|AuthenticatedRead/);
      }
      for (const [id, policy] of resources(template, 'AWS::S3::BucketPolicy')) {
        const statements = (policy.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement;
        for (const statement of statements.filter((candidate) => candidate.Effect === 'Allow')) {
          expect(JSON.stringify(statement.Principal), id).not.toMatch(/^"\*"$|"AWS":"\*"/);
        }
      }
    }
  });
});
