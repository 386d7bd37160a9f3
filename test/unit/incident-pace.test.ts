import { describe, expect, it } from 'vitest';
import { technicalRetryAfterMs } from '../../workflows/shared/durable-activities.js';

const MINUTE = 60_000;

describe('the pace of a technical incident\'s automatic retries', () => {
  it('tries again after 1, 2, 4 and 8 minutes, then every 10', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map((round) => technicalRetryAfterMs(round) / MINUTE)).toEqual([1, 2, 4, 8, 10, 10, 10]);
  });

  it('waits a minute at the first round even when asked for round 0', () => {
    expect(technicalRetryAfterMs(0)).toBe(MINUTE);
  });
});
