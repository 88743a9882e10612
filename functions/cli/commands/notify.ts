import { parseArgs } from 'node:util';
import { BreachwireError, describeError } from '../../core/errors.ts';
import { createStreamLog, type Log } from '../../core/log.ts';
import { type DrainReport, drainOutbox } from '../../notify/drain.ts';
import { renderText } from '../../notify/message.ts';
import { notifyStatus, previewOutbox } from '../../notify/status.ts';
import { loadSubscriptions, type Subscription, subscriptionSourceFrom } from '../../notify/subscriptions.ts';
import type { Store } from '../../store/client.ts';
import { clearSubscriptionBroken } from '../../store/deliveries.ts';
import { openStore } from '../context.ts';
import type { CliIo } from '../io.ts';

export const NOTIFY_USAGE = `breachwire notify [--dry-run | --status | --reset NAME] [--subscriptions FILE] [--data DIR] [--json]

  Delivers pending notifications (new events, significant changes) to the Slack subscriptions
  whose filter matches, once each; see docs/SLACK.md.
  --subscriptions FILE  the subscriptions (default BREACHWIRE_SUBSCRIPTIONS_FILE, or the JSON
                        in BREACHWIRE_SUBSCRIPTIONS)
  --dry-run             show the pending messages per subscription; post nothing
  --status              subscriptions (broken? last error) and dead notifications with reasons
  --reset NAME          clear a subscription's "broken" mark (after fixing the channel)
  --json                --status as JSON
  --data DIR            the embedded store's folder (default ./.breachwire, or BREACHWIRE_DATA)

  Message links point at BREACHWIRE_PUBLIC_URL (default http://localhost:PORT).`;

/** Where messages link to: `BREACHWIRE_PUBLIC_URL`, else the local API. */
export function publicBaseUrlFrom(io: CliIo): string {
  const configured = io.env['BREACHWIRE_PUBLIC_URL'];
  const value = configured ?? `http://localhost:${io.env['PORT'] ?? '8787'}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BreachwireError('config.invalid', 'BREACHWIRE_PUBLIC_URL must be an http(s) URL', {
      details: [{ param: 'BREACHWIRE_PUBLIC_URL', message: 'is not a URL' }],
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BreachwireError('config.invalid', 'BREACHWIRE_PUBLIC_URL must be an http(s) URL', {
      details: [{ param: 'BREACHWIRE_PUBLIC_URL', message: 'must be http or https' }],
    });
  }
  return url.href.replace(/\/+$/, '');
}

/** The configured subscriptions, or null when none is configured (validated; fails fast). */
export async function subscriptionsFrom(
  io: CliIo,
  fileFlag: string | undefined,
): Promise<Subscription[] | null> {
  const source = subscriptionSourceFrom(io.env, fileFlag);
  if (!source) return null;
  // Locally there is no Secrets Manager: {"secret": …} references are reported as unavailable.
  return loadSubscriptions(source, { env: io.env });
}

/** One line per drain, plus one per dead entry and broken subscription. */
export function describeDrain(report: DrainReport): string {
  const lines = [
    `slack: ${report.delivered} delivered, ${report.unconfirmed} unconfirmed, ${report.retries} retried; ` +
      `entries ${report.done} done, ${report.dead} dead, ${report.pending} still pending`,
  ];
  for (const name of report.broken)
    lines.push(`  subscription ${name} is BROKEN (see breachwire notify --status)`);
  for (const dead of report.deadEntries) lines.push(`  dead ${dead.id}: ${dead.reason}`);
  return lines.join('\n');
}

/**
 * The local runner's notifier: after each ingest report, one drain (never two at once in this
 * process; a trigger during a drain runs one more afterwards). With no subscription configured
 * it prints each new pending message once instead, as a preview.
 */
export interface LocalNotifier {
  trigger(): void;
  stop(): Promise<void>;
}

const PREVIEW_PER_ROUND = 10;

export function startLocalNotifier(options: {
  io: CliIo;
  store: Store;
  log: Log;
  subscriptions: Subscription[] | null;
  publicBaseUrl: string;
}): LocalNotifier {
  const { io, store, log, subscriptions, publicBaseUrl } = options;
  const printed = new Set<string>();
  let running: Promise<void> | null = null;
  let again = false;
  let stopping = false;
  const stopWaiters = new Set<() => void>();
  // Backoff waits end early (with an error) on shutdown; the delivery stays "retrying" and the next run resumes it.
  const sleep = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (stopping) return reject(new Error('notifier stopping'));
      const timer = setTimeout(() => {
        stopWaiters.delete(abort);
        resolve();
      }, ms);
      const abort = () => {
        clearTimeout(timer);
        reject(new Error('notifier stopping'));
      };
      stopWaiters.add(abort);
    });

  const once = async () => {
    if (subscriptions && subscriptions.length > 0) {
      const report = await drainOutbox({ store, subscriptions, publicBaseUrl, log, sleep });
      if (report.entries > 0) io.stdout.write(`${describeDrain(report)}\n`);
      return;
    }
    const pending = (await previewOutbox({ store, subscriptions: null, publicBaseUrl })).filter(
      (item) => !printed.has(item.entry.id),
    );
    for (const item of pending.slice(0, PREVIEW_PER_ROUND)) {
      printed.add(item.entry.id);
      io.stdout.write(`slack (no subscription configured; would post):\n${renderText(item.message)}\n`);
    }
    if (pending.length > PREVIEW_PER_ROUND) {
      io.stdout.write(
        `slack: ${pending.length - PREVIEW_PER_ROUND} more pending (breachwire notify --dry-run)\n`,
      );
    }
  };
  const run = async () => {
    do {
      again = false;
      try {
        await once();
      } catch (error) {
        if (!stopping)
          log.error('slack drain failed; the next ingest retries', { error: describeError(error) });
      }
    } while (again && !stopping);
    running = null;
  };
  return {
    trigger() {
      if (stopping) return;
      if (running) {
        again = true;
        return;
      }
      running = run();
    },
    async stop() {
      stopping = true;
      for (const abort of stopWaiters) abort();
      await running;
    },
  };
}

function ago(iso: string | null): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '-';
}

export async function runNotify(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      subscriptions: { type: 'string' },
      data: { type: 'string' },
      'dry-run': { type: 'boolean' },
      status: { type: 'boolean' },
      reset: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const modes = [values['dry-run'], values.status, values.reset !== undefined].filter(Boolean).length;
  if (modes > 1) throw new BreachwireError('cli.usage', 'give at most one of --dry-run, --status, --reset');
  if (values.json && !values.status) throw new BreachwireError('cli.usage', '--json goes with --status');
  const subscriptions = await subscriptionsFrom(io, values.subscriptions);
  const publicBaseUrl = publicBaseUrlFrom(io);
  if (!subscriptions && !values['dry-run'] && !values.status) {
    throw new BreachwireError(
      'cli.usage',
      'no Slack subscriptions configured: give --subscriptions FILE, or set BREACHWIRE_SUBSCRIPTIONS_FILE or BREACHWIRE_SUBSCRIPTIONS',
    );
  }
  const opened = await openStore(io, values.data);
  try {
    if (values.reset !== undefined) {
      if (!subscriptions?.some((subscription) => subscription.name === values.reset)) {
        throw new BreachwireError('cli.usage', `no configured subscription is named "${values.reset}"`);
      }
      await clearSubscriptionBroken(opened.store, values.reset);
      io.stdout.write(`subscription ${values.reset}: no longer marked broken\n`);
      return 0;
    }
    if (values.status) {
      const status = await notifyStatus(opened.store, subscriptions ?? []);
      if (values.json) {
        io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        return 0;
      }
      if (!subscriptions) io.stdout.write('no Slack subscriptions configured\n');
      for (const subscription of status.subscriptions) {
        const health = subscription.broken
          ? `BROKEN since ${ago(subscription.brokenAt)}: ${subscription.brokenReason}`
          : subscription.webhookReplaced
            ? 'was broken; webhook replaced, retried on the next drain'
            : 'ok';
        io.stdout.write(
          `${subscription.name}  [${subscription.filter}]  ${health}\n` +
            `  last delivered ${ago(subscription.lastDeliveredAt)}; last error ${
              subscription.lastError ? `${ago(subscription.lastErrorAt)} ${subscription.lastError}` : '-'
            }\n`,
        );
      }
      io.stdout.write(`\n${status.pending} pending, ${status.dead.length} dead notifications\n`);
      for (const dead of status.dead) {
        io.stdout.write(
          `  dead ${dead.id} (${dead.change}, ${ago(dead.createdAt)}): ${dead.error ?? 'no reason recorded'}\n`,
        );
      }
      return 0;
    }
    if (values['dry-run']) {
      const messages = await previewOutbox({ store: opened.store, subscriptions, publicBaseUrl });
      for (const item of messages) {
        const to = item.subscription ? `to ${item.subscription}` : 'to nobody (no subscription configured)';
        io.stdout.write(`— ${item.entry.id} ${to}:\n${renderText(item.message)}\n\n`);
      }
      io.stdout.write(`${messages.length} message(s) would be posted (dry run: nothing sent)\n`);
      return 0;
    }
    const log = createStreamLog({ level: io.env['LOG_LEVEL'] ?? 'warn', stream: io.stderr });
    const report = await drainOutbox({
      store: opened.store,
      subscriptions: subscriptions ?? [],
      publicBaseUrl,
      log,
    });
    io.stdout.write(`${describeDrain(report)}\n`);
    return report.dead > 0 || report.broken.length > 0 ? 1 : 0;
  } finally {
    await opened.close();
  }
}
