import { Duration, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, METRICS_SERVICE, type MetricName } from '../../functions/handlers/metric-names.ts';

export interface ObservabilityProps {
  /** The full metrics namespace the functions emit to (`POWERTOOLS_METRICS_NAMESPACE`). */
  metricsNamespace: string;
  functions: { name: string; fn: IFunction }[];
  deadLetterQueues: { name: string; queue: IQueue }[];
  /** The API's 5xx and latency, for the dashboard. */
  apiMetrics?: { serverErrors: IMetric; latency: IMetric };
  thresholds: { functionErrors: number; consecutiveSourceFailures: number; deadLetters: number };
}

/**
 * Alarms (function errors, dead letters, a source failing run after run) that notify one SNS
 * topic, and one dashboard of the pipeline. Subscribe an address to the topic after deploying
 * (docs/DEPLOY.md).
 */
export class Observability extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'breachwire alarms', enforceSSL: true });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry only alarm names and states. CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed key would cost more than the rest of the alerting.',
    });
    const notify = new SnsAction(this.alarmTopic);
    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string) => {
      const created = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data means nothing ran or nothing failed, not an outage (an outage shows up as errors).
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };

    for (const { name, fn } of props.functions) {
      alarm(
        `${name}Errors`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        props.thresholds.functionErrors,
        `breachwire ${name} function: ${props.thresholds.functionErrors}+ failed invocations in 5 minutes`,
      );
    }
    for (const { name, queue } of props.deadLetterQueues) {
      alarm(
        `${name}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        props.thresholds.deadLetters,
        `breachwire ${name}: messages in the dead-letter queue; read them, fix the cause, then purge or redrive`,
      );
    }
    const business = (metricName: MetricName, statistic: string, period = Duration.minutes(15)) =>
      new Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap: { service: METRICS_SERVICE },
        statistic,
        period,
      });
    // One alarm for all sources (an alarm per source would cost more than the sources' runs).
    // Each run reports its source's consecutive failures; the maximum over 15 minutes (the
    // shortest period of any source) crosses the threshold on the Nth failed run in a row.
    // The failing source is in the `sourceId` field of the EMF log line.
    alarm(
      'SourceConsecutiveFailures',
      business(METRIC.sourceConsecutiveFailures, 'Maximum'),
      props.thresholds.consecutiveSourceFailures,
      `breachwire: a source failed ${props.thresholds.consecutiveSourceFailures}+ runs in a row; see /v1/sources or the ingest log (sourceId)`,
    );

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    const hourly = Duration.hours(1);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Documents stored / events created (per hour)',
        left: [business(METRIC.documentsNew, 'Sum', hourly), business(METRIC.eventsCreated, 'Sum', hourly)],
      }),
      new GraphWidget({
        title: 'Source failures (per hour) and worst streak',
        left: [business(METRIC.sourceFailures, 'Sum', hourly)],
        right: [business(METRIC.sourceConsecutiveFailures, 'Maximum', hourly)],
      }),
      new GraphWidget({
        title: 'Slack deliveries (per hour)',
        left: [business(METRIC.deliveries, 'Sum', hourly), business(METRIC.deliveryFailures, 'Sum', hourly)],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        left: props.functions.map(({ name, fn }) =>
          fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum', label: name }),
        ),
      }),
      new GraphWidget({
        title: 'Function duration p95',
        left: props.functions.map(({ name, fn }) =>
          fn.metricDuration({ period: Duration.minutes(5), statistic: 'p95', label: name }),
        ),
      }),
      new GraphWidget({
        title: 'Dead letters',
        left: props.deadLetterQueues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: name }),
        ),
      }),
    );
    if (props.apiMetrics) {
      this.dashboard.addWidgets(
        new GraphWidget({ title: 'API 5xx', left: [props.apiMetrics.serverErrors] }),
        new GraphWidget({ title: 'API latency p95', left: [props.apiMetrics.latency] }),
      );
    }
  }
}
