import { sleep } from '../core/concurrency.ts';

/**
 * Spaces requests to the same host (robots Crawl-delay, politeness) across every source of
 * one run: two sources on one host never hit it back to back.
 */
export class HostPacer {
  private readonly nextAllowed = new Map<string, number>();

  async wait(url: string, delaySeconds: number): Promise<void> {
    const host = new URL(url).host;
    const now = Date.now();
    const at = Math.max(now, this.nextAllowed.get(host) ?? 0);
    this.nextAllowed.set(host, at + delaySeconds * 1000);
    if (at > now) await sleep(at - now);
  }
}
