import { Duration } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** A deployment stage, selected with `cdk synth -c stage=dev|prod`. */
export type StageName = 'dev' | 'prod';

/** Everything that differs between stages, in one typed object (read only by infra/app.ts). */
export interface StageConfig {
  stage: StageName;
  /** CloudWatch log retention of every function and the API access log. */
  logRetention: RetentionDays;
  /** Prefix of the CloudWatch metrics namespace (`<prefix>/<stage>`), so stages never mix. */
  metricsNamespace: string;
  functions: {
    /** The house runtime; one line to move every function. */
    runtime: Runtime;
    memorySize: number;
    /** Ingest fetches up to `maxPages` pages with per-request timeouts and host pacing. */
    ingestTimeout: Duration;
    /**
     * Caps how many ingest runs execute at once (protects the table, the sources' hosts and the
     * account pool). Undefined reserves nothing: new accounts with a concurrency quota of 10
     * cannot reserve any.
     */
    ingestReservedConcurrency?: number;
    apiTimeout: Duration;
    /**
     * The notifier's drain stops starting POSTs this long before the timeout minus one POST's
     * own timeout (functions/handlers/notify-batch.ts), so the timeout bounds a drain.
     */
    notifyTimeout: Duration;
    /** One daily export of the whole dataset (streams; minutes at the current size). */
    exportTimeout: Duration;
    /**
     * At most this many export runs at once. 1: two runs (the schedule's and a manual one, or a
     * retry) would write the same month keys with different snapshots, mixing them. A second
     * scheduled run is throttled and retried by Lambda after the first. Undefined removes the
     * guard (only for an account whose concurrency quota leaves nothing to reserve).
     */
    exportReservedConcurrency?: number;
  };
  notifier: {
    /** Stream retries of a batch whose drain could not run, before its records go to the failure queue. */
    retryAttempts: number;
    /** Records older than this are not retried (their entries stay pending in the table). */
    maxRecordAge: Duration;
    /**
     * Period of the outbox sweep (`{"sweep": true}`): how long, at most, a delivery waiting on
     * Slack's Retry-After or a backoff waits when no new outbox entry arrives. Flexible window,
     * retries and event age come from `schedules`.
     */
    sweepEveryMinutes: number;
  };
  schedules: {
    /** Upper bound of each schedule's flexible window (also capped at a quarter of its period). */
    maxFlexibleWindow: Duration;
    /** Scheduler retries of a failed delivery to Lambda (throttling, service errors). */
    retryAttempts: number;
    /** A delivery older than this goes to the dead-letter queue instead: a later run is due anyway. */
    maxEventAge: Duration;
  };
  api: {
    /** Steady-state requests per second across the API. */
    throttleRateLimit: number;
    throttleBurstLimit: number;
    /** Origins allowed to GET from a browser. */
    corsAllowOrigins: string[];
  };
  alarms: {
    /** Errors of one function in 5 minutes that raise its alarm. */
    functionErrors: number;
    /** A source failing this many runs in a row raises the alarm. */
    consecutiveSourceFailures: number;
    /** Messages visible in a dead-letter queue that raise its alarm. */
    deadLetters: number;
  };
}

const shared = {
  metricsNamespace: 'Breachwire',
  functions: {
    // Node 22 is the house runtime (issue 8); nodejs24.x exists and is a one-line change here.
    runtime: Runtime.NODEJS_22_X,
    memorySize: 512,
    ingestTimeout: Duration.minutes(2),
    apiTimeout: Duration.seconds(10),
    notifyTimeout: Duration.seconds(90),
    exportTimeout: Duration.minutes(10),
    exportReservedConcurrency: 1,
  },
  schedules: { retryAttempts: 2, maxEventAge: Duration.minutes(10) },
  notifier: { retryAttempts: 3, maxRecordAge: Duration.hours(1), sweepEveryMinutes: 15 },
} as const;

/** The stages. Prod keeps logs longer, throttles less, alarms sooner and reserves ingest capacity. */
export const STAGES: Record<StageName, StageConfig> = {
  dev: {
    stage: 'dev',
    logRetention: RetentionDays.ONE_WEEK,
    metricsNamespace: shared.metricsNamespace,
    functions: { ...shared.functions },
    schedules: { ...shared.schedules, maxFlexibleWindow: Duration.minutes(15) },
    notifier: { ...shared.notifier },
    api: { throttleRateLimit: 10, throttleBurstLimit: 20, corsAllowOrigins: ['*'] },
    alarms: { functionErrors: 5, consecutiveSourceFailures: 5, deadLetters: 1 },
  },
  prod: {
    stage: 'prod',
    logRetention: RetentionDays.ONE_MONTH,
    metricsNamespace: shared.metricsNamespace,
    functions: { ...shared.functions, ingestReservedConcurrency: 5 },
    schedules: { ...shared.schedules, maxFlexibleWindow: Duration.minutes(5) },
    notifier: { ...shared.notifier },
    api: { throttleRateLimit: 50, throttleBurstLimit: 100, corsAllowOrigins: ['*'] },
    alarms: { functionErrors: 1, consecutiveSourceFailures: 3, deadLetters: 1 },
  },
};

/** The stage named by the `stage` context value (default `dev`); an unknown name is an error. */
export function stageConfig(name: unknown): StageConfig {
  const stage = name === undefined ? 'dev' : String(name);
  if (stage !== 'dev' && stage !== 'prod') {
    throw new Error(`unknown stage "${stage}": use -c stage=dev or -c stage=prod`);
  }
  return STAGES[stage];
}

/**
 * Context every App of this project is built with (the CDK app and the tests alike).
 * Cross-stack references are pinned to "strong": the stateless stack imports the table's
 * exports, and CloudFormation then refuses to delete the table's stack while they are used.
 * Server access logs are delivered under a bucket policy instead of the legacy ACL, so log
 * buckets can keep ACLs disabled (BucketOwnerEnforced).
 */
export const APP_CONTEXT = {
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
} as const;
