import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { flexibleWindowMinutes, rateExpression } from './ingest-schedules.ts';

/** The input the sweep schedule sends; the notifier accepts exactly this besides stream batches. */
export const SWEEP_INPUT = { sweep: true } as const;

export interface OutboxSweepProps {
  /** The notifier function (the same one the stream triggers). */
  fn: IFunction;
  /** The sweep's period. */
  everyMinutes: number;
  /** The notifier's timeout: with the flexible window it must fit inside one period. */
  functionTimeout: Duration;
  /** Upper bound of the flexible window (also capped at a quarter of the period). */
  maxFlexibleWindow: Duration;
  /** Scheduler retries of a delivery to Lambda that failed (throttling, service errors). */
  retryAttempts: number;
  /** A delivery (or an async invocation) older than this goes to the dead-letter queue. */
  maxEventAge: Duration;
}

/**
 * A low-frequency sweep of the outbox: one EventBridge Scheduler schedule invoking the notifier
 * with `{"sweep": true}`. The stream starts the notifier only when a new outbox entry is
 * written, so without the sweep a delivery waiting on Slack's `Retry-After` or a backoff (or an
 * entry left pending by a drain that could not run) waits for the next, unrelated entry.
 * A sweep with nothing pending is one Query (functions/handlers/notify-batch.ts).
 *
 * A sweep may overlap a stream-triggered drain: every delivery is claimed with a conditional
 * write and a lease, so two drains never post the same message.
 *
 * One dead-letter queue (encrypted, TLS only) takes both kinds of failure: deliveries the
 * Scheduler gave up on, and sweeps that threw (Lambda async on-failure destination; a sweep
 * throws when the drain could not run, e.g. the subscriptions secret is invalid). Lambda does
 * not retry a failed sweep: the next one, one period later, is the retry.
 */
export class OutboxSweep extends Construct {
  readonly deadLetterQueue: Queue;
  readonly invokeRole: Role;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: OutboxSweepProps) {
    super(scope, id);
    const window = flexibleWindowMinutes(props.everyMinutes, props.maxFlexibleWindow);
    const busyMinutes = Math.ceil(props.functionTimeout.toSeconds() / 60) + window;
    if (busyMinutes >= props.everyMinutes) {
      throw new Error(
        `the outbox sweep runs every ${props.everyMinutes} min, but timeout + flexible window is ${busyMinutes} min: sweeps could pile up`,
      );
    }

    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetters',
      'the dead-letter queue of the outbox sweep schedule and of failed sweep invocations',
    );
    // Only asynchronous invocations (the Scheduler's) are affected: the stream invokes the
    // function synchronously with its own retries and failure queue.
    props.fn.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: props.maxEventAge,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    // Holds only "invoke the notifier" and "send to this DLQ"; assumable only from this account.
    this.invokeRole = new Role(this, 'InvokeRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'breachwire: EventBridge Scheduler invokes the notifier to sweep the outbox',
    });
    const fnResource = props.fn.node.defaultChild as CfnFunction;
    Validations.of(this.invokeRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(fnResource).getLogicalId(fnResource)}.Arn>:*]`,
      reason:
        'CDK\'s grantInvoke also names "<function ARN>:*" (qualified versions and aliases) of the notifier only; no other function is reachable.',
    });

    this.schedule = new Schedule(this, 'Schedule', {
      description: `breachwire: sweep the Slack outbox every ${props.everyMinutes} minutes (retries waiting on Retry-After or backoff)`,
      schedule: ScheduleExpression.expression(rateExpression(props.everyMinutes)),
      // Nothing needs the sweep at an exact minute; the window lets the Scheduler spread it.
      timeWindow: TimeWindow.flexible(Duration.minutes(window)),
      target: new LambdaInvoke(props.fn, {
        input: ScheduleTargetInput.fromObject(SWEEP_INPUT),
        role: this.invokeRole,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: props.retryAttempts,
        maxEventAge: props.maxEventAge,
      }),
    });
  }
}
