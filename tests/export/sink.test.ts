import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, writeChunks } from '../../functions/export/sink.ts';
import { captureStream } from './io.ts';

describe('writeChunks', () => {
  it('pulls the next chunk only when the stream has room (backpressure reaches the producer)', async () => {
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    async function* chunks() {
      for (let i = 0; i < 100; i++) {
        produced++;
        maxAhead = Math.max(maxAhead, produced - consumed);
        yield 'x'.repeat(1024);
      }
    }
    const slow = new Writable({
      highWaterMark: 1024,
      write(_chunk, _encoding, done) {
        setTimeout(() => {
          consumed++;
          done();
        }, 1);
      },
    });
    await writeChunks(chunks(), slow);
    expect(produced).toBe(100);
    // Without waiting for 'drain' the generator would run all 100 chunks ahead at once.
    expect(maxAhead).toBeLessThanOrEqual(3);
  });

  it('ends with the stream error (a closed pipe, a full disk)', async () => {
    let writes = 0;
    const failing = new Writable({
      write(_chunk, _encoding, done) {
        writes++;
        done(writes === 3 ? new Error('EPIPE') : null);
      },
    });
    async function* chunks() {
      for (let i = 0; i < 50; i++) yield `row ${i}\n`;
    }
    await expect(writeChunks(chunks(), failing)).rejects.toThrow('EPIPE');
  });
});

describe('progress', () => {
  it('writes nothing to a stream that is not a terminal', () => {
    const piped = captureStream(false);
    const progress = createProgress(piped, { label: 'events' });
    for (let i = 0; i < 1000; i++) progress.row();
    progress.done();
    expect(piped.text()).toBe('');
  });

  it('redraws in place on a terminal, at most once per interval, with the rate', () => {
    const tty = captureStream(true);
    let clock = 0;
    const progress = createProgress(tty, { label: 'events', intervalMs: 250, now: () => clock });
    for (let i = 0; i < 1000; i++) {
      clock += 1; // 1 ms per row: 1,000 rows/s
      progress.row();
    }
    progress.done();
    const draws = tty.text().split('\r').filter(Boolean);
    expect(draws.length).toBeLessThanOrEqual(6);
    expect(draws.at(-1)).toBe('events: 1,000 rows (1,000 rows/s)\x1b[K\n');
  });
});
