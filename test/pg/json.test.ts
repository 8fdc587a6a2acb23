import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { jsonArrayAgg, jsonBoolean, jsonQuote, listValues } from '../../src/store/postgres/sql.js';
import { openTestStore } from './fixtures.js';

// Text a name or description may hold: every control character but NUL (see errors.test.ts), quotes,
// backslashes, the JavaScript line separators, non-ASCII and astral characters.
const SAMPLES = [
  ...Array.from({ length: 0x1f }, (_, i) => `a${String.fromCharCode(i + 1)}b`),
  'q"uote',
  'back\\slash',
  'sl/ash',
  '\u007f',
  '\u2028\u2029',
  'é漢字🎉',
  `<>&'`,
  '',
];

describe('JSON written by PostgreSQL is byte-identical to SQLite’s and to JSON.stringify', async () => {
  const { db } = await openTestStore();
  const sqlite = new SQLite(':memory:');

  test('strings, numbers, nulls and booleans', async () => {
    for (const text of SAMPLES) {
      const { rows } = await sql<{ j: string }>`select ${jsonQuote(sql`${text}::text`)} as j`.execute(db);
      const lite = (sqlite.prepare('select json_quote(?) as j').get(text) as { j: string }).j;
      assert.equal(rows[0]!.j, JSON.stringify(text), JSON.stringify(text));
      assert.equal(rows[0]!.j, lite);
    }
    const { rows } = await sql<{ n: string; big: string; nil: string; yes: string; no: string }>`
      select ${jsonQuote(sql`10000::integer`)} as n, ${jsonQuote(sql`59000000000::bigint`)} as big,
             ${jsonQuote(sql`null::text`)} as nil, ${jsonBoolean(sql`1`)} as yes, ${jsonBoolean(sql`0`)} as no`.execute(db);
    assert.deepEqual(rows[0], { n: '10000', big: '59000000000', nil: 'null', yes: 'true', no: 'false' });
    assert.equal((sqlite.prepare('select json_quote(null) as j').get() as { j: string }).j, 'null');
  });

  test('arrays of rows in order, empty arrays, and list parameters', async () => {
    const { rows } = await sql<{ j: string; none: string }>`
      select (select ${jsonArrayAgg(jsonQuote(sql`v`), sql`v desc`)} from unnest(array['a', 'c"', 'b']) as v) as j,
             (select ${jsonArrayAgg(jsonQuote(sql`v`), sql`v`)} from unnest(array[]::text[]) as v) as none`.execute(db);
    assert.deepEqual(JSON.parse(rows[0]!.j), ['c"', 'b', 'a']);
    assert.equal(rows[0]!.none, '[]');
    const ids = Array.from({ length: 2000 }, (_, i) => `id-${i}`);
    const { rows: found } = await sql<{ n: number }>`select count(*) as n from unnest(${[
      'id-5',
      'id-1999',
      'other',
    ]}::text[]) as x where x in ${listValues(ids)}`.execute(db);
    assert.equal(found[0]!.n, 2);
  });
});
