import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, type Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * ESM bundles still contain CommonJS dependencies that call `require` (Powertools, zod's
 * deps); Node's ESM loader has no `require`, so every bundle starts with one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * The esbuild options every function is bundled with, in esbuild's own terms, so the
 * bundling test builds exactly what CDK builds. The AWS SDK v3 is in the Lambda runtime.
 */
export function houseEsbuildOptions(runtime: Runtime) {
  return {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: esbuildTarget(runtime),
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    // Prefer ESM builds of dependencies, which tree-shake better.
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    external: ['@aws-sdk/*'],
  };
}

/** `nodejs22.x` → `node22`. */
export function esbuildTarget(runtime: Runtime): string {
  const match = /^nodejs(\d+)\.x$/.exec(runtime.name);
  if (!match) throw new Error(`not a Node.js runtime: ${runtime.name}`);
  return `node${match[1]}`;
}

/** What every function of a stage shares. */
export interface HouseFunctionDefaults {
  runtime: Runtime;
  memorySize: number;
  logRetention: RetentionDays;
  /** The repository root (bundling's project root). */
  projectRoot: string;
  depsLockFilePath: string;
  metricsNamespace: string;
}

export interface HouseFunctionProps {
  defaults: HouseFunctionDefaults;
  /** Absolute path of the handler module (exports `handler`). */
  entry: string;
  /** Short role name, e.g. `ingest`: the Powertools service name is `breachwire-<role>`. */
  role: string;
  description: string;
  timeout: Duration;
  environment?: Record<string, string>;
  reservedConcurrentExecutions?: number;
}

/**
 * The one way a breachwire function is built: bundled locally by esbuild (no Docker) to a
 * minified ESM bundle with source maps, ARM64, an explicit log group with retention, and a
 * role of its own that holds nothing but the right to write that log group. Every other
 * permission is granted by the stack, resource by resource.
 */
export class HouseFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    const { defaults } = props;
    // Operational logs, bounded by retention; the data lives in the table, so tearing the
    // stateless stack down should not leave orphaned groups behind.
    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: defaults.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy may write any log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `breachwire ${props.role} function`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    const esbuild = houseEsbuildOptions(defaults.runtime);
    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: defaults.runtime,
      architecture: Architecture.ARM_64,
      memorySize: defaults.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      projectRoot: defaults.projectRoot,
      depsLockFilePath: defaults.depsLockFilePath,
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: `breachwire-${props.role}`,
        POWERTOOLS_METRICS_NAMESPACE: defaults.metricsNamespace,
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: esbuild.target,
        minify: esbuild.minify,
        sourceMap: esbuild.sourcemap,
        sourcesContent: esbuild.sourcesContent,
        mainFields: esbuild.mainFields,
        banner: esbuild.banner.js,
        externalModules: esbuild.external,
      },
    });
  }
}
