import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { isBreachwireError } from '../../functions/core/errors.ts';
import { createRuntime, parseConfigured } from '../../functions/handlers/runtime.ts';

const env = { BREACHWIRE_TABLE: 'table', POWERTOOLS_METRICS_NAMESPACE: 'Breachwire/test' };

describe('handler runtime', () => {
  it('fails at cold start naming every missing variable', () => {
    let thrown: unknown;
    try {
      createRuntime({}, {});
    } catch (error) {
      thrown = error;
    }
    expect(isBreachwireError(thrown, 'config.invalid')).toBe(true);
    expect((thrown as Error).message).toContain('BREACHWIRE_TABLE is not set');
    expect((thrown as Error).message).toContain('POWERTOOLS_METRICS_NAMESPACE is not set');
  });

  it('returns the parsed environment with defaults', () => {
    const runtime = createRuntime({}, env);
    expect(runtime.env).toEqual({ ...env, POWERTOOLS_SERVICE_NAME: 'breachwire' });
  });

  it('names the field and the problem of a bad schedule input', () => {
    const shape = { sourceId: z.string().regex(/^[a-z-]+$/, 'must be a source id') };
    expect(parseConfigured(shape, { sourceId: 'ftc-press' }, 'schedule input')).toEqual({
      sourceId: 'ftc-press',
    });
    expect(() => parseConfigured(shape, { sourceId: 'Bad Id' }, 'schedule input')).toThrow(
      'invalid schedule input: sourceId must be a source id',
    );
    expect(() => parseConfigured(shape, null, 'schedule input')).toThrow(/invalid schedule input: \(root\)/);
  });

  it('flushes the metrics of an invocation and clears its keys afterwards', async () => {
    const runtime = createRuntime({}, env);
    runtime.count('DocumentsNew', 3);
    const result = await runtime.invoke(undefined, { sourceId: 'ftc-press' }, async () => 'done');
    expect(result).toBe('done');
    expect(runtime.metrics.hasStoredMetrics()).toBe(false);
    expect(runtime.logger.getPersistentLogAttributes()).not.toHaveProperty('sourceId');
  });
});
