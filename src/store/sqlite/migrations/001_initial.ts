import { sql, type Kysely } from 'kysely';

// The first schema: every table of the Click controllers we implement. Written with Kysely's schema
// builder so that SQLite and PostgreSQL share one history.
export async function up(db: Kysely<unknown>): Promise<void> {
  const text = 'text' as const;
  const int = 'integer' as const;

  await db.schema
    .createTable('accounts')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('subscription_type', int, (c) => c.notNull().defaultTo(1))
    .addColumn('create_date', text, (c) => c.notNull())
    .addColumn('update_date', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('account_id', text, (c) => c.notNull().references('accounts.id'))
    .addColumn('username', text, (c) => c.notNull())
    .addColumn('username_key', text, (c) => c.notNull())
    .addColumn('email', text, (c) => c.notNull())
    .addColumn('firstname', text, (c) => c.notNull().defaultTo(''))
    .addColumn('lastname', text, (c) => c.notNull().defaultTo(''))
    .addColumn('user_type', int, (c) => c.notNull())
    .addColumn('status', int, (c) => c.notNull())
    .addColumn('owner', int, (c) => c.notNull().defaultTo(0))
    .addColumn('mfa', int, (c) => c.notNull().defaultTo(0))
    .addColumn('mfa_secret', text)
    .addColumn('mfa_pending_secret', text)
    .addColumn('password_hash', text)
    .addColumn('auth_provider', int, (c) => c.notNull().defaultTo(0))
    .addColumn('migration', int, (c) => c.notNull().defaultTo(0))
    .addColumn('deleted', int, (c) => c.notNull().defaultTo(0))
    .addColumn('signup_date', text)
    .addColumn('create_date', text, (c) => c.notNull())
    .addColumn('update_date', text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('users_username_key')
    .on('users')
    .column('username_key')
    .unique()
    .where(sql.ref('deleted'), '=', 0)
    .execute();
  await db.schema
    .createIndex('users_account_create')
    .on('users')
    .columns(['account_id', 'deleted', 'create_date', 'id'])
    .execute();
  await db.schema
    .createIndex('users_account_username')
    .on('users')
    .columns(['account_id', 'deleted', 'username_key', 'id'])
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('account_id', text, (c) => c.notNull().references('accounts.id'))
    .addColumn('user_id', text, (c) => c.notNull().references('users.id'))
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('create_date', text, (c) => c.notNull())
    .addColumn('expires_at', text, (c) => c.notNull())
    .addColumn('ended_at', text)
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id', 'ended_at']).execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('account_id', text, (c) => c.notNull().references('accounts.id'))
    .addColumn('user_id', text, (c) => c.notNull().references('users.id'))
    .addColumn('session_id', text, (c) => c.notNull().references('sessions.id'))
    .addColumn('title', text, (c) => c.notNull())
    .addColumn('token_hash', text, (c) => c.notNull())
    .addColumn('expiration_date', text)
    .addColumn('create_date', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_tokens_user').on('api_tokens').columns(['account_id', 'user_id']).execute();

  await db.schema
    .createTable('one_time_tokens')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('account_id', text, (c) => c.notNull().references('accounts.id'))
    .addColumn('user_id', text, (c) => c.notNull().references('users.id'))
    .addColumn('purpose', text, (c) => c.notNull())
    .addColumn('token_hash', text, (c) => c.notNull())
    .addColumn('expires_at', text, (c) => c.notNull())
    .addColumn('used_at', text)
    .addColumn('attempts', int, (c) => c.notNull().defaultTo(0))
    .addColumn('create_date', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('one_time_tokens_user').on('one_time_tokens').columns(['user_id', 'purpose']).execute();
  await db.schema.createIndex('one_time_tokens_hash').on('one_time_tokens').columns(['token_hash']).execute();

  for (const table of ['projects', 'user_groups']) {
    await db.schema
      .createTable(table)
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('account_id', text, (c) => c.notNull().references('accounts.id'))
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('name_key', text, (c) => c.notNull())
      .addColumn('description', text, (c) => c.notNull().defaultTo(''))
      .addColumn('active', int, (c) => c.notNull().defaultTo(1))
      .addColumn('deleted', int, (c) => c.notNull().defaultTo(0))
      .addColumn('create_date', text, (c) => c.notNull())
      .addColumn('update_date', text, (c) => c.notNull())
      .execute();
  }

  await db.schema
    .createTable('shared_cloud_drives')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('account_id', text, (c) => c.notNull().references('accounts.id'))
    .addColumn('creator_user_id', text, (c) => c.notNull())
    .addColumn('cloud_account_id', text)
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('name_key', text, (c) => c.notNull())
    .addColumn('prefix', text, (c) => c.notNull().defaultTo(''))
    .addColumn('prefix_id', text, (c) => c.notNull().defaultTo(''))
    .addColumn('storage_id', text, (c) => c.notNull().defaultTo(''))
    .addColumn('storage_name', text, (c) => c.notNull().defaultTo(''))
    .addColumn('objects_per_folder', int, (c) => c.notNull().defaultTo(10000))
    .addColumn('allow_delete', int, (c) => c.notNull().defaultTo(0))
    .addColumn('local_cache_encrypted', int, (c) => c.notNull().defaultTo(0))
    .addColumn('cloud_objects_encrypted', int, (c) => c.notNull().defaultTo(0))
    .addColumn('drive_type', int, (c) => c.notNull().defaultTo(1))
    .addColumn('sync_type', int, (c) => c.notNull().defaultTo(1))
    .addColumn('active', int, (c) => c.notNull().defaultTo(1))
    .addColumn('deleted', int, (c) => c.notNull().defaultTo(0))
    .addColumn('create_date', text, (c) => c.notNull())
    .addColumn('update_date', text, (c) => c.notNull())
    .execute();

  for (const table of ['projects', 'user_groups', 'shared_cloud_drives']) {
    // Names are unique per account among live records, case-insensitively.
    await db.schema
      .createIndex(`${table}_name_unique`)
      .on(table)
      .columns(['account_id', 'name_key'])
      .unique()
      .where(sql.ref('deleted'), '=', 0)
      .execute();
    // The default listing: live records of an account by name, ties broken by id.
    await db.schema.createIndex(`${table}_list_name`).on(table).columns(['account_id', 'deleted', 'name_key', 'id']).execute();
    await db.schema
      .createIndex(`${table}_list_create`)
      .on(table)
      .columns(['account_id', 'deleted', 'create_date', 'id'])
      .execute();
  }

  await db.schema
    .createTable('project_shared_cloud_drives')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('account_id', text, (c) => c.notNull().references('accounts.id'))
    .addColumn('project_id', text, (c) => c.notNull().references('projects.id'))
    .addColumn('shared_cloud_drive_id', text, (c) => c.notNull().references('shared_cloud_drives.id'))
    .addColumn('create_date', text, (c) => c.notNull())
    .addUniqueConstraint('project_shared_cloud_drives_pair', ['project_id', 'shared_cloud_drive_id'])
    .execute();
  await db.schema
    .createIndex('project_shared_cloud_drives_drive')
    .on('project_shared_cloud_drives')
    .columns(['shared_cloud_drive_id'])
    .execute();

  await db.schema
    .createTable('user_user_groups')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('account_id', text, (c) => c.notNull().references('accounts.id'))
    .addColumn('user_id', text, (c) => c.notNull().references('users.id'))
    .addColumn('user_group_id', text, (c) => c.notNull().references('user_groups.id'))
    .addColumn('create_date', text, (c) => c.notNull())
    .addUniqueConstraint('user_user_groups_pair', ['user_group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('user_user_groups_user').on('user_user_groups').columns(['user_id']).execute();

  const permissions: [string, string, string, string][] = [
    ['user_project_permissions', 'user_id', 'users', 'project_id'],
    ['user_shared_cloud_drive_permissions', 'user_id', 'users', 'shared_cloud_drive_id'],
    ['user_group_project_permissions', 'user_group_id', 'user_groups', 'project_id'],
    ['user_group_shared_cloud_drive_permissions', 'user_group_id', 'user_groups', 'shared_cloud_drive_id'],
  ];
  for (const [table, subject, subjectTable, target] of permissions) {
    const targetTable = target === 'project_id' ? 'projects' : 'shared_cloud_drives';
    await db.schema
      .createTable(table)
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('account_id', text, (c) => c.notNull().references('accounts.id'))
      .addColumn(subject, text, (c) => c.notNull().references(`${subjectTable}.id`))
      .addColumn(target, text, (c) => c.notNull().references(`${targetTable}.id`))
      .addColumn('permission_type', int, (c) => c.notNull())
      .addColumn('create_date', text, (c) => c.notNull())
      .addColumn('update_date', text, (c) => c.notNull())
      .addUniqueConstraint(`${table}_pair`, [subject, target])
      .execute();
    await db.schema.createIndex(`${table}_target`).on(table).columns([target]).execute();
  }

  await db.schema
    .createTable('record_counts')
    .addColumn('account_id', text, (c) => c.notNull())
    .addColumn('table_name', text, (c) => c.notNull())
    .addColumn('live', int, (c) => c.notNull().defaultTo(0))
    .addColumn('deleted', int, (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('record_counts_pk', ['account_id', 'table_name'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('The initial migration cannot be undone.');
}
