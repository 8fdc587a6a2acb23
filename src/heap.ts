import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

const MB = 1024 * 1024;

export interface HeapLimits {
  /** The most the young generation (both semi-spaces) may grow to, in MB. */
  youngMb: number;
  /** How far the old generation may grow past what survived the last full collection, in percent. */
  oldGrowthPercent: number;
}

/** What the agent uses unless CLICKD_COMPACT_HEAP=0: ~30 MB less resident memory under load. */
export const AGENT_HEAP_LIMITS: HeapLimits = { youngMb: 8, oldGrowthPercent: 10 };

/**
 * Keeps the agent's heap small, as a background agent's should be. By default V8 sizes the heap for a
 * busy server: the young generation grows to 32 MB with the allocation rate, and the old generation may
 * fill up to several times what survives before it is collected. Neither `--max-semi-space-size` nor
 * `--max-old-space-size` takes effect once the process runs, but two flags that V8 reads each time it
 * sizes the heap do: the young generation's growth factor (set to 1 once it reached `youngMb`, so that it
 * stops growing) and the old generation's growing factor. Set after the bundle's code cache was read
 * (V8 accepts a code cache only under the flags it was recorded with).
 *
 * Node 24 (V8 13) also needs `--no-separate-gc-phases`, the default of Node 20 and 22 (V8 11 and 12): with
 * separate phases, V8 runs no young-generation collection while a full collection is marking, and the
 * young generation takes new pages past its capacity until the marking ends (12 to 25 MB under a 4 MB
 * limit in src/heap.test.ts). V8 reads that flag each time it decides on a collection, so it too can be
 * set here.
 *
 * Node 22 and 24 also compile hot functions with Maglev (off in Node 20's V8), a second optimizing compiler
 * beside TurboFan: its jobs run on V8's worker threads, whose malloc arenas then keep ~6 MB more under load,
 * and its code and metadata take ~3 MB of heap (Node 24: 102 instead of 112 MB resident under page-1 load,
 * 122 instead of 128-134 MB under details without the cache). TurboFan still optimizes what is hot, so the
 * requests per second stay the same (measured as CPU time per request, two agents' loads alternated).
 * `--no-maglev` is read each time a function is considered for optimization, so it too can be set here.
 */
export function limitHeap(limits: HeapLimits = AGENT_HEAP_LIMITS): void {
  v8.setFlagsFromString(`--heap-growing-percent=${limits.oldGrowthPercent}`);
  v8.setFlagsFromString('--no-separate-gc-phases');
  v8.setFlagsFromString('--no-maglev');
  let growing: boolean | undefined;
  const check = () => {
    const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    // V8 doubles the young generation when it grows: allowed while the doubled size stays within the limit.
    const grow = !young || young.space_size * 2 <= limits.youngMb * MB;
    if (grow === growing) return;
    growing = grow;
    v8.setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
  };
  check();
  // Checked after every collection: the young generation grows only when one ends.
  new PerformanceObserver(check).observe({ entryTypes: ['gc'] });
}
