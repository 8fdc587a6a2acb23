import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

/**
 * limitHeap (src/heap.ts) caps the young generation once the process runs. Each case runs in a child
 * process, so that the flags it sets stay there; the same allocation without the limit shows that V8
 * would otherwise grow the young generation past the cap (the check can fail).
 */
const script = (limit: boolean) => `
  import v8 from 'node:v8';
  import { limitHeap } from ${JSON.stringify(path.resolve(import.meta.dirname, 'heap.ts'))};
  ${limit ? 'limitHeap({ youngMb: 4, oldGrowthPercent: 10 });' : ''}
  const kept = [];
  let largest = 0;
  for (let round = 0; round < 200; round++) {
    // Short-lived objects, a share of which survive a while, as requests in flight do.
    for (let i = 0; i < 20000; i++) {
      const o = { round, i, text: 'item ' + i, list: [i, i + 1] };
      if (i % 4 === 0) kept.push(o);
    }
    if (kept.length > 200000) kept.splice(0, 100000);
    await new Promise((resolve) => setImmediate(resolve));
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    largest = Math.max(largest, young.space_size);
  }
  console.log(largest / 1048576);
`;

function largestYoungMb(limit: boolean): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(limit)], {
    encoding: 'utf8',
  });
  return Number(out.trim());
}

test('limitHeap keeps the young generation within its limit; V8 alone grows it further', (t) => {
  const limited = largestYoungMb(true);
  const unlimited = largestYoungMb(false);
  t.diagnostic(`young generation: ${limited} MB limited, ${unlimited} MB without`);
  assert.ok(limited <= 4, `limited: the young generation reached ${limited} MB`);
  assert.ok(unlimited > 4, `without the limit it reached ${unlimited} MB (the check could not fail)`);
});
