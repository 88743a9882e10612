import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createApp } from '../../api/app.ts';
import { describeError } from '../../core/errors.ts';
import { createStreamLog, type Log } from '../../core/log.ts';
import { HostPacer } from '../../ingest/host-pacer.ts';
import { type IngestReport, ingestSource } from '../../ingest/ingest.ts';
import { createPipeline } from '../../ingest/pipeline.ts';
import { enabledSources, sources } from '../../sources/registry.ts';
import type { Source } from '../../sources/types.ts';
import type { Store } from '../../store/client.ts';
import { openStore, portFrom, withMirror } from '../context.ts';
import type { CliIo } from '../io.ts';
import { describeReport } from './ingest.ts';
import { type LocalNotifier, publicBaseUrlFrom, startLocalNotifier, subscriptionsFrom } from './notify.ts';

export const SERVE_USAGE = `breachwire serve [--data DIR] [--port N]

  Serves the API and web page on http://localhost:PORT (default 8787, or PORT) without ingesting.`;

export const START_USAGE = `breachwire start [--data DIR] [--port N] [--subscriptions FILE]

  The whole system locally: the embedded store, an ingest of every enabled source at start
  and then on each source's schedule, and the API and web page on http://localhost:PORT.
  After each ingest, pending notifications go to the Slack subscriptions (--subscriptions FILE,
  BREACHWIRE_SUBSCRIPTIONS_FILE or BREACHWIRE_SUBSCRIPTIONS; see docs/SLACK.md), or are
  printed when none is configured. Ctrl-C stops it cleanly.`;

/** Runs each source on its own cadence; a run of a source never overlaps the previous one. */
class Scheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<IngestReport>>();
  private stopped = false;

  constructor(
    private readonly run: (source: Source) => Promise<IngestReport>,
    private readonly onReport: (report: IngestReport) => void,
  ) {}

  start(list: readonly Source[]): void {
    for (const source of list) {
      this.trigger(source);
      const timer = setInterval(() => this.trigger(source), source.everyMinutes * 60_000);
      timer.unref();
      this.timers.push(timer);
    }
  }

  private trigger(source: Source): void {
    if (this.stopped || this.running.has(source.id)) return;
    const promise = this.run(source)
      .then((report) => {
        this.onReport(report);
        return report;
      })
      .finally(() => this.running.delete(source.id));
    this.running.set(source.id, promise);
  }

  /** Stops scheduling and waits for runs in flight (they are idempotent, but finishing is tidier). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.allSettled(this.running.values());
  }
}

async function listen(store: Store, port: number, log: Log, io: CliIo) {
  const app = createApp({ store, sources, log });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const instance = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(instance));
    instance.once('error', reject);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  io.stdout.write(`breachwire API on http://localhost:${actualPort}  (try /v1/sources, /v1/documents)\n`);
  return server;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const done = (signal: string) => resolve(signal);
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
  });
}

async function runServer(args: string[], io: CliIo, withIngest: boolean): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      ...(withIngest ? { subscriptions: { type: 'string' as const } } : {}),
    },
    strict: true,
    allowPositionals: false,
  });
  const port = portFrom(io, values.port);
  // Validated before the store opens: a bad subscription file fails fast, naming the problem.
  const subscriptions = withIngest
    ? await subscriptionsFrom(io, values.subscriptions as string | undefined)
    : null;
  const opened = await openStore(io, values.data);
  const log = createStreamLog({ level: io.env['LOG_LEVEL'] ?? 'warn', stream: io.stderr });
  let server: Awaited<ReturnType<typeof listen>> | null = null;
  let scheduler: Scheduler | null = null;
  let notifier: LocalNotifier | null = null;
  try {
    server = await listen(opened.store, port, log, io);
    io.stdout.write(`data: ${opened.where}\n`);
    if (withIngest) {
      const pacer = new HostPacer();
      const deps = { store: opened.store, log, pacer, pipeline: createPipeline(opened.store, log) };
      const list = withMirror(io, enabledSources());
      io.stdout.write(`ingesting ${list.length} sources now, then on their schedules\n`);
      const slack = startLocalNotifier({
        io,
        store: opened.store,
        log,
        subscriptions,
        publicBaseUrl: publicBaseUrlFrom(io),
      });
      notifier = slack;
      scheduler = new Scheduler(
        (source) => ingestSource(source, deps),
        (report) => {
          io.stdout.write(`${new Date().toISOString().slice(11, 19)} ${describeReport(report)}\n`);
          slack.trigger();
        },
      );
      scheduler.start(list);
    }
    const signal = await waitForSignal();
    io.stdout.write(`\n${signal}: shutting down…\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`breachwire: ${describeError(error)}\n`);
    return 1;
  } finally {
    await scheduler?.stop();
    await notifier?.stop();
    if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
    await opened.close();
  }
}

export function runServe(args: string[], io: CliIo): Promise<number> {
  return runServer(args, io, false);
}

export function runStart(args: string[], io: CliIo): Promise<number> {
  return runServer(args, io, true);
}
