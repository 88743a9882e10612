/**
 * The business metrics the functions emit (CloudWatch EMF) and the alarms and dashboard in
 * `infra/` read. One list, imported by both sides, so a renamed metric cannot leave an alarm
 * watching a series that no longer receives data.
 */
export const METRIC = {
  /** Documents stored for the first time by one ingest run. */
  documentsNew: 'DocumentsNew',
  /** Events opened by the clustering step (emitted by whoever opens them). */
  eventsCreated: 'EventsCreated',
  /** 1 for an ingest run that failed (recorded in SourceState), 0 otherwise. */
  sourceFailures: 'SourceFailures',
  /** After each run: the source's consecutive failures (0 after a success). Alarmed on its maximum. */
  sourceConsecutiveFailures: 'SourceConsecutiveFailures',
  /** Slack messages delivered by the notifier. */
  deliveries: 'Deliveries',
  /** Slack deliveries that failed (retried later or parked as dead). */
  deliveryFailures: 'DeliveryFailures',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/**
 * The value of the `service` dimension Powertools Metrics adds to every metric. It is the same
 * for every function so an alarm needs one dimension set, whichever function emitted the value.
 */
export const METRICS_SERVICE = 'breachwire';
