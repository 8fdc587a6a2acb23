import type { SqlDialect } from '../dialect.js';
import { projectDetailsObjectSql } from '../projectDetails.js';
import { isUniqueViolation, storageError } from './errors.js';
import { insertAssignmentRows, jsonArrayOf, jsonObjectSql, lastSortBoundary, listValues, notIndexed } from './sql.js';

/** PostgreSQL's answers to what the shared repositories ask of a dialect (store/dialect.ts). */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  listValues,
  notIndexed,
  isUniqueViolation,
  storageError,
  jsonArrayOf,
  lastSortBoundary,
  jsonObjectSql,
  insertAssignmentRows,
  projectDetailsObjectSql: (shapes, drivesWhere) => projectDetailsObjectSql({ jsonObjectSql, jsonArrayOf }, shapes, drivesWhere),
};
