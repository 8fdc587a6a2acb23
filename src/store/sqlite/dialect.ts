import type { SqlDialect } from '../dialect.js';
import { storageError } from './errors.js';
import { projectDetailsObjectSql } from '../projectDetails.js';
import {
  insertAssignmentRows,
  isUniqueViolation,
  jsonArrayOf,
  lastSortBoundary,
  jsonObjectSql,
  jsonValues,
  notIndexed,
} from './sql.js';

/** SQLite's answers to what the shared repositories ask of a dialect (store/dialect.ts). */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  listValues: jsonValues,
  notIndexed,
  isUniqueViolation,
  storageError,
  jsonArrayOf,
  lastSortBoundary,
  jsonObjectSql,
  insertAssignmentRows,
  projectDetailsObjectSql: (shapes, drivesWhere) => projectDetailsObjectSql({ jsonObjectSql, jsonArrayOf }, shapes, drivesWhere),
};
