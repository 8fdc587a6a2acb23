/**
 * Where a list page ended, remembered so that the next page of the same query continues from there (a
 * keyset on the sort key and id) instead of skipping every row before it again (DECISIONS.md section 10).
 *
 * A boundary is valid only under the change signal (OpenStore.dataVersion) it was read under: when the
 * signal is unchanged, no row was written since, so the rows after the boundary are exactly those the
 * offset would reach, and the total is still the total. Otherwise the page falls back to the offset.
 */
export interface PageBoundary {
  /** The change signal read before the page was read. */
  version: string;
  /** The total of matches the page was read with. */
  total: number;
  /** Sort value and id of the page's last record, in the requested order. */
  sortValue: unknown;
  id: unknown;
}

/** The remembered boundaries: held in the process (LruBoundaries), or elsewhere by a hosted store. */
export interface PageBoundaries {
  get(key: string): PageBoundary | undefined;
  set(key: string, boundary: PageBoundary): void;
}

/** What the listing needs to continue pages: the boundaries and the change signal they are valid under. */
export interface PageMemory {
  boundaries: PageBoundaries;
  version(): string;
}

/** Boundaries in a Map used as an LRU: bounded to `capacity` entries, the least recently used dropped. */
export class LruBoundaries implements PageBoundaries {
  private readonly entries = new Map<string, PageBoundary>();
  constructor(private readonly capacity = 4000) {}

  get(key: string): PageBoundary | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, boundary: PageBoundary): void {
    this.entries.delete(key);
    this.entries.set(key, boundary);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}

const memories = new WeakMap<object, PageMemory>();

/**
 * Gives the store opened on `db` its page memory (the store's opener does, next to its change signal).
 * A transaction is another object: lists read inside one never continue and never remember.
 */
export function usePageMemory(db: object, memory: PageMemory): void {
  memories.set(db, memory);
}

export const pageMemoryOf = (db: object): PageMemory | undefined => memories.get(db);
