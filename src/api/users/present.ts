/** Items built from `items`, listed by key; items whose parts are gone (deleted meanwhile) are left out. */
export function groupBy<T, R>(
  items: readonly T[],
  key: (item: T) => string,
  build: (item: T) => R | undefined,
): Map<string, R[]> {
  const map = new Map<string, R[]>();
  for (const item of items) {
    const built = build(item);
    if (built === undefined) continue;
    const list = map.get(key(item)) ?? [];
    list.push(built);
    map.set(key(item), list);
  }
  return map;
}
