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
  /** Signposts for deep jumps; usePageMemory gives an LruSignposts when the opener gives none. */
  signposts?: PageSignposts;
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
  memories.set(db, memory.signposts ? memory : { ...memory, signposts: new LruSignposts() });
}

export const pageMemoryOf = (db: object): PageMemory | undefined => memories.get(db);

/**
 * Every STEP-th entry of a list, counted from one end: where a jump to a deep page starts, so that it
 * skips fewer than STEP index entries instead of every entry before the page (DECISIONS.md section 10).
 */
export const SIGNPOST_STEP = 1000;
/**
 * The most signposts kept for one query in one direction (a list of 10 million entries; half the
 * process's LruSignposts): a page deeper than that is read by offset, so that one list can never evict
 * every other one, and itself, on each jump.
 */
export const MAX_SIGNPOSTS = 10_000;

/** The signposts of one query in one direction: the sort value and id of entries STEP-1, 2·STEP-1, ... */
export interface SignpostList {
  posts: [unknown, unknown][];
  /** No further signpost can be found: the list ends there, or a null sort value stops the keyset. */
  ended: boolean;
}

/**
 * What is known of one query under one change signal: its total, and its signposts per direction (a
 * direction is listed once a deep page was jumped to in it; its posts are found on the next jump).
 */
export interface QuerySignposts {
  version: string;
  total: number;
  lists: { asc?: SignpostList; desc?: SignpostList };
}

/** The remembered signposts: held in the process (LruSignposts), or elsewhere by a hosted store. */
export interface PageSignposts {
  get(key: string): QuerySignposts | undefined;
  set(key: string, signposts: QuerySignposts): void;
}

/**
 * Signposts in a Map used as an LRU, bounded by the number of posts held (each a sort value and an id,
 * some 150 bytes: 20,000 posts are some 3 MB, the signposts of 20 lists of a million records) and of
 * queries. A list grows in place (the listing appends posts): set() is called again to count them.
 */
export class LruSignposts implements PageSignposts {
  private readonly entries = new Map<string, { value: QuerySignposts; posts: number }>();
  private posts = 0;
  constructor(
    private readonly maxPosts = 20_000,
    private readonly maxQueries = 1000,
  ) {}

  get(key: string): QuerySignposts | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry?.value;
  }

  set(key: string, value: QuerySignposts): void {
    this.drop(key);
    const posts = (value.lists.asc?.posts.length ?? 0) + (value.lists.desc?.posts.length ?? 0);
    this.entries.set(key, { value, posts });
    this.posts += posts;
    while (this.posts > this.maxPosts || this.entries.size > this.maxQueries) this.drop(this.entries.keys().next().value!);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.posts -= entry.posts;
  }

  get size(): number {
    return this.posts;
  }
}
