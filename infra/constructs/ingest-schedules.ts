import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue.ts';

/** What a schedule needs to know about a source (a `Source` from the registry fits). */
export interface ScheduledSource {
  id: string;
  everyMinutes: number;
}

export interface IngestSchedulesProps {
  /** The ingest function; each schedule invokes it with `{"sourceId": "<id>"}`. */
  target: IFunction;
  /** The enabled sources of the registry, one schedule each. */
  sources: readonly ScheduledSource[];
  /** The ingest function's timeout: with the flexible window it must fit inside one period. */
  functionTimeout: Duration;
  maxFlexibleWindow: Duration;
  retryAttempts: number;
  maxEventAge: Duration;
}

/** `rate(N minutes)` exactly as written in the registry (CDK's own helper would say `rate(1 hour)`). */
export function rateExpression(everyMinutes: number): string {
  if (!Number.isInteger(everyMinutes) || everyMinutes < 1) {
    throw new Error(`everyMinutes must be a positive integer, got ${everyMinutes}`);
  }
  return `rate(${everyMinutes} ${everyMinutes === 1 ? 'minute' : 'minutes'})`;
}

/**
 * The flexible window of one source: the stage's maximum, but never more than a quarter of the
 * source's period, so a late run and the next on-time run stay at least 3/4 of a period apart.
 */
export function flexibleWindowMinutes(everyMinutes: number, maxWindow: Duration): number {
  return Math.max(1, Math.min(maxWindow.toMinutes(), Math.floor(everyMinutes / 4)));
}

/**
 * One EventBridge Scheduler schedule per enabled source, generated from the registry, and the
 * dead-letter queue for runs that could not be made.
 *
 * Overlap guard: runs of one source cannot overlap on schedule, because the function's timeout
 * plus the flexible window must be shorter than the source's period (checked here, at synth).
 * What remains (a Scheduler retry of a throttled delivery racing the next run) is harmless:
 * ingest is idempotent by design (conditional puts, versioned events, deterministic outbox
 * ids), so an overlap costs a duplicate fetch, never a duplicate record.
 *
 * Two kinds of dead letters arrive in one queue, both carrying the source id: deliveries the
 * Scheduler gave up on, and invocations that threw (Lambda async on-failure destination; the
 * function throws only when a run could not be attempted at all). Lambda does not retry those:
 * a malformed input fails the same way twice, and the next scheduled run retries everything else.
 */
export class IngestSchedules extends Construct {
  readonly deadLetterQueue: Queue;
  readonly schedules: Schedule[] = [];
  readonly invokeRole: Role;

  constructor(scope: Construct, id: string, props: IngestSchedulesProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetters',
      'the dead-letter queue of the ingest schedules and of failed ingest invocations',
    );
    props.target.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: props.maxEventAge,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    // One role for every schedule, holding only "invoke this function" and "send to this DLQ".
    this.invokeRole = new Role(this, 'InvokeRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'breachwire: EventBridge Scheduler invokes the ingest function',
    });
    const functionResource = props.target.node.defaultChild as CfnFunction | undefined;
    if (functionResource) {
      Validations.of(this.invokeRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(functionResource).getLogicalId(functionResource)}.Arn>:*]`,
        reason:
          'CDK\'s grantInvoke also names "<function ARN>:*" (qualified versions and aliases) of this one function; no other function is reachable.',
      });
    }

    const seen = new Set<string>();
    for (const source of props.sources) {
      if (seen.has(source.id)) throw new Error(`two schedules for source ${source.id}`);
      seen.add(source.id);
      const window = flexibleWindowMinutes(source.everyMinutes, props.maxFlexibleWindow);
      const busyMinutes = Math.ceil(props.functionTimeout.toSeconds() / 60) + window;
      if (busyMinutes >= source.everyMinutes) {
        throw new Error(
          `source ${source.id} runs every ${source.everyMinutes} min, but timeout + flexible window is ${busyMinutes} min: its runs could overlap`,
        );
      }
      this.schedules.push(
        new Schedule(this, `Source-${source.id}`, {
          description: `breachwire: ingest ${source.id} every ${source.everyMinutes} minutes`,
          schedule: ScheduleExpression.expression(rateExpression(source.everyMinutes)),
          // Spreads the many sources' runs instead of firing them all at the same second.
          timeWindow: TimeWindow.flexible(Duration.minutes(window)),
          target: new LambdaInvoke(props.target, {
            input: ScheduleTargetInput.fromObject({ sourceId: source.id }),
            role: this.invokeRole,
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: props.retryAttempts,
            maxEventAge: props.maxEventAge,
          }),
        }),
      );
    }
  }
}
