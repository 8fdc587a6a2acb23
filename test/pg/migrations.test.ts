import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { MIGRATION_NAMES } from '../../src/store/migrations/list.js';
import { startTestServer } from '../helpers.js';
import { openTestStore } from './fixtures.js';

const recorded = (rows: { name: string }[]) => rows.map((r) => r.name);

describe('one migration history for both backends', () => {
  test('SQLite and PostgreSQL record the same migration names, those of store/migrations/list.ts', async () => {
    const server = await startTestServer();
    let sqlite: string[];
    try {
      const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(server.ctx.store.db);
      sqlite = recorded(rows);
    } finally {
      await server.close();
    }
    const { db } = await openTestStore();
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    const postgres = recorded(rows);

    assert.deepEqual(postgres, sqlite);
    assert.deepEqual(sqlite, [...MIGRATION_NAMES]);
    // And each PostgreSQL twin is a file of its own, named as in the list.
    const twins = fs
      .readdirSync(path.join(import.meta.dirname, '../../src/store/postgres/migrations'))
      .filter((f) => /^\d{3}_.*\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    assert.deepEqual(twins, [...MIGRATION_NAMES]);
  });
});
