import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { ProjectDetailsShapes, SqlDialect } from './dialect.js';

/**
 * A project of the listing (`projects` in the enclosing query) with its usersData, groupsData and
 * drivesData, as one JSON object built by the database (with its dialect's JSON text functions): the
 * same records, order and rules as the details built in JavaScript (grants whose user or group and project are live, ordered by username or group
 * name; live drives in the order they were assigned), without an object per record in JavaScript.
 * The one builder for admins and members: `drivesWhere`, given the drive id column, limits drivesData to
 * the drives the caller reaches (a member); without it every live drive is listed (an admin).
 */
export function projectDetailsObjectSql(
  { jsonObjectSql, jsonArrayOf }: Pick<SqlDialect, 'jsonObjectSql' | 'jsonArrayOf'>,
  shapes: ProjectDetailsShapes,
  drivesWhere?: (idColumn: string) => Expression<SqlBool>,
): RawBuilder<string> {
  /** The JSON array of {first: row of a, second: row of b} over `from`, in `order`. */
  const nested = (
    first: [string, RawBuilder<string>],
    second: [string, RawBuilder<string>],
    order: string,
    from: RawBuilder<unknown>,
  ) =>
    sql<string>`(select ${jsonArrayOf(
      sql`concat(${sql.lit(`{${JSON.stringify(first[0])}:`)}, ${first[1]}, ${sql.lit(`,${JSON.stringify(second[0])}:`)}, ${second[1]}, '}')`,
      sql` order by ${sql.raw(order)}`,
    )} from ${from})`;
  const usersData = nested(
    ['user', jsonObjectSql(shapes.user, 'u')],
    ['permission', jsonObjectSql(shapes.userPermission, 'p')],
    'u.username_key, p.id',
    sql`user_project_permissions as p join users as u on u.id = p.user_id
        where p.project_id = projects.id and p.account_id = projects.account_id and u.deleted = 0 and projects.deleted = 0`,
  );
  const groupsData = nested(
    ['userGroup', jsonObjectSql(shapes.userGroup, 'g')],
    ['permission', jsonObjectSql(shapes.userGroupPermission, 'p')],
    'g.name_key, p.id',
    sql`user_group_project_permissions as p join user_groups as g on g.id = p.user_group_id
        where p.project_id = projects.id and p.account_id = projects.account_id and g.deleted = 0 and projects.deleted = 0`,
  );
  const drivesData = nested(
    ['sharedCloudDrive', jsonObjectSql(shapes.drive, 'd')],
    ['projectSharedCloudDrive', jsonObjectSql(shapes.assignment, 'a')],
    'a.create_date, a.id',
    sql`project_shared_cloud_drives as a join shared_cloud_drives as d on d.id = a.shared_cloud_drive_id
        where a.project_id = projects.id and a.account_id = projects.account_id and d.deleted = 0
        ${drivesWhere ? sql`and ${drivesWhere('d.id')}` : sql``}`,
  );
  return jsonObjectSql(shapes.project, 'projects', { usersData, groupsData, drivesData });
}
