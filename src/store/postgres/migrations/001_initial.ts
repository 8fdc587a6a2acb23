import { sql, type Kysely } from 'kysely';

// The PostgreSQL twin of store/sqlite/migrations/001_initial.ts: the same tables, columns and meanings, so that one
// set of repositories reads both. Where PostgreSQL differs on purpose:
// - Ids stay text (not uuid): the API accepts any uuid spelling its schema's format allows (upper case,
//   `urn:uuid:`), and on SQLite such an id simply names no row; a uuid column would instead match it, or
//   raise 22P02. Text keeps "answers exactly as on SQLite" without a mapping per query.
// - Dates stay ISO-8601 UTC text as the store writes them (the presenters return them as they are), and
//   booleans 0/1 integers (types.ts `Bool`).
// - Text sorts and compares byte-wise (`collate "C"`), like SQLite's BINARY collation, whatever the
//   database's locale. Case folding is the store's (`name_key`, `username_key` = trimmed toLowerCase()),
//   so both backends fold Unicode the same way, in JavaScript.
// - Every primary key, unique key and index of an account's table leads with account_id, and references
//   carry it (DECISIONS.md sections 7 and 8: the schema distributes by account, and a row can only point
//   at rows of its own account). The exceptions are lookups made before the account is known: usernames
//   at sign-in, one-time token hashes and session ids from a token.

/** The columns of a table: [name, type and constraints]. */
type Columns = [string, string][];

async function createTable(db: Kysely<unknown>, table: string, columns: Columns, constraints: string[]): Promise<void> {
  const body = [...columns.map(([name, type]) => `${name} ${type}`), ...constraints].join(',\n  ');
  await sql.raw(`create table ${table} (\n  ${body}\n)`).execute(db);
}

async function createIndex(
  db: Kysely<unknown>,
  name: string,
  table: string,
  columns: string,
  options: { unique?: boolean; where?: string } = {},
) {
  await sql
    .raw(
      `create ${options.unique ? 'unique ' : ''}index ${name} on ${table} (${columns})${options.where ? ` where ${options.where}` : ''}`,
    )
    .execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = 'text collate "C"';
  const id = (): [string, string] => ['id', `${t} not null`];
  const account = (): [string, string] => ['account_id', `${t} not null references accounts (id)`];
  const date = (name: string, nullable = false): [string, string] => [name, `${t}${nullable ? '' : ' not null'}`];
  const int = (name: string, dflt?: number, nullable = false): [string, string] => [
    name,
    `integer${nullable ? '' : ' not null'}${dflt === undefined ? '' : ` default ${dflt}`}`,
  ];
  const str = (name: string, options: { dflt?: string; nullable?: boolean } = {}): [string, string] => [
    name,
    `${t}${options.nullable ? '' : ' not null'}${options.dflt === undefined ? '' : ` default '${options.dflt}'`}`,
  ];
  const pk = 'primary key (account_id, id)';
  const ref = (column: string, table: string) => `foreign key (account_id, ${column}) references ${table} (account_id, id)`;

  await createTable(
    db,
    'accounts',
    [id(), str('name'), int('subscription_type', 1), date('create_date'), date('update_date')],
    ['primary key (id)'],
  );

  await createTable(
    db,
    'users',
    [
      id(),
      account(),
      str('username'),
      str('username_key'),
      str('email'),
      str('firstname', { dflt: '' }),
      str('lastname', { dflt: '' }),
      int('user_type'),
      int('status'),
      int('owner', 0),
      int('mfa', 0),
      str('mfa_secret', { nullable: true }),
      str('mfa_pending_secret', { nullable: true }),
      str('password_hash', { nullable: true }),
      int('auth_provider', 0),
      int('migration', 0),
      int('deleted', 0),
      date('signup_date', true),
      date('create_date'),
      date('update_date'),
    ],
    [pk],
  );
  // Usernames are unique across accounts (they sign in before any account is known): the one global key.
  await createIndex(db, 'users_username_key', 'users', 'username_key', { unique: true, where: 'deleted = 0' });
  await createIndex(db, 'users_account_create', 'users', 'account_id, deleted, create_date, id');
  await createIndex(db, 'users_account_username', 'users', 'account_id, deleted, username_key, id');

  await createTable(
    db,
    'sessions',
    [id(), account(), str('user_id'), str('kind'), date('create_date'), date('expires_at'), date('ended_at', true)],
    [pk, ref('user_id', 'users')],
  );
  // A token names its session by id alone.
  await createIndex(db, 'sessions_id', 'sessions', 'id');
  await createIndex(db, 'sessions_user', 'sessions', 'account_id, user_id, ended_at');

  await createTable(
    db,
    'api_tokens',
    [
      id(),
      account(),
      str('user_id'),
      str('session_id'),
      str('title'),
      str('token_hash'),
      date('expiration_date', true),
      date('create_date'),
    ],
    [pk, ref('user_id', 'users'), ref('session_id', 'sessions')],
  );
  await createIndex(db, 'api_tokens_user', 'api_tokens', 'account_id, user_id');

  await createTable(
    db,
    'one_time_tokens',
    [
      id(),
      account(),
      str('user_id'),
      str('purpose'),
      str('token_hash'),
      date('expires_at'),
      date('used_at', true),
      int('attempts', 0),
      date('create_date'),
    ],
    [pk, ref('user_id', 'users')],
  );
  await createIndex(db, 'one_time_tokens_user', 'one_time_tokens', 'account_id, user_id, purpose');
  // An emailed code or token is looked up by its hash before its account is known.
  await createIndex(db, 'one_time_tokens_hash', 'one_time_tokens', 'token_hash');

  for (const table of ['projects', 'user_groups']) {
    await createTable(
      db,
      table,
      [
        id(),
        account(),
        str('name'),
        str('name_key'),
        str('description', { dflt: '' }),
        int('active', 1),
        int('deleted', 0),
        date('create_date'),
        date('update_date'),
      ],
      [pk],
    );
  }

  await createTable(
    db,
    'shared_cloud_drives',
    [
      id(),
      account(),
      str('creator_user_id'),
      str('cloud_account_id', { nullable: true }),
      str('name'),
      str('name_key'),
      str('prefix', { dflt: '' }),
      str('prefix_id', { dflt: '' }),
      str('storage_id', { dflt: '' }),
      str('storage_name', { dflt: '' }),
      int('objects_per_folder', 10000),
      int('allow_delete', 0),
      int('local_cache_encrypted', 0),
      int('cloud_objects_encrypted', 0),
      int('drive_type', 1),
      int('sync_type', 1),
      int('active', 1),
      int('deleted', 0),
      date('create_date'),
      date('update_date'),
    ],
    [pk],
  );

  for (const table of ['projects', 'user_groups', 'shared_cloud_drives']) {
    // Names are unique per account among live records, case-insensitively (name_key is the folded name).
    await createIndex(db, `${table}_name_unique`, table, 'account_id, name_key', { unique: true, where: 'deleted = 0' });
    await createIndex(db, `${table}_list_name`, table, 'account_id, deleted, name_key, id');
    await createIndex(db, `${table}_list_create`, table, 'account_id, deleted, create_date, id');
  }

  await createTable(
    db,
    'project_shared_cloud_drives',
    [id(), account(), str('project_id'), str('shared_cloud_drive_id'), date('create_date')],
    [
      pk,
      ref('project_id', 'projects'),
      ref('shared_cloud_drive_id', 'shared_cloud_drives'),
      'constraint project_shared_cloud_drives_pair unique (account_id, project_id, shared_cloud_drive_id)',
    ],
  );
  await createIndex(db, 'project_shared_cloud_drives_drive', 'project_shared_cloud_drives', 'account_id, shared_cloud_drive_id');

  await createTable(
    db,
    'user_user_groups',
    [id(), account(), str('user_id'), str('user_group_id'), date('create_date')],
    [
      pk,
      ref('user_id', 'users'),
      ref('user_group_id', 'user_groups'),
      'constraint user_user_groups_pair unique (account_id, user_group_id, user_id)',
    ],
  );
  await createIndex(db, 'user_user_groups_user', 'user_user_groups', 'account_id, user_id');

  const permissions: [string, string, string, string][] = [
    ['user_project_permissions', 'user_id', 'users', 'project_id'],
    ['user_shared_cloud_drive_permissions', 'user_id', 'users', 'shared_cloud_drive_id'],
    ['user_group_project_permissions', 'user_group_id', 'user_groups', 'project_id'],
    ['user_group_shared_cloud_drive_permissions', 'user_group_id', 'user_groups', 'shared_cloud_drive_id'],
  ];
  for (const [table, subject, subjectTable, target] of permissions) {
    const targetTable = target === 'project_id' ? 'projects' : 'shared_cloud_drives';
    await createTable(
      db,
      table,
      [id(), account(), str(subject), str(target), int('permission_type'), date('create_date'), date('update_date')],
      [
        pk,
        ref(subject, subjectTable),
        ref(target, targetTable),
        `constraint ${table}_pair unique (account_id, ${subject}, ${target})`,
      ],
    );
    await createIndex(db, `${table}_target`, table, `account_id, ${target}`);
  }

  await createTable(
    db,
    'record_counts',
    [str('account_id'), str('table_name'), int('live', 0), int('deleted', 0)],
    ['constraint record_counts_pk primary key (account_id, table_name)'],
  );
}

export async function down(): Promise<void> {
  throw new Error('The initial migration cannot be undone.');
}
