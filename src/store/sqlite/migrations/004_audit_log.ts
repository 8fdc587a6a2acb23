import { sql, type Kysely } from 'kysely';

// The audit log (DECISIONS.md section 9): one append-only row per change, sign-in, failed sign-in and sign-out,
// written in the transaction of the change; the account's log setting (forwarding to Splunk's HTTP Event
// Collector) with its delivery state (a lease, so that one sender at a time delivers an account's entries, in
// order, whichever instance it runs in); and the outbox of entries still to forward.
export async function up(db: Kysely<unknown>): Promise<void> {
  const text = 'text';
  const int = 'integer';
  await db.schema
    .createTable('audit_log')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('account_id', text, (c) => c.notNull().references('accounts.id'))
    .addColumn('create_date', text, (c) => c.notNull())
    .addColumn('user_id', text)
    .addColumn('username', text)
    .addColumn('api_token_id', text)
    .addColumn('ip', text)
    .addColumn('user_agent', text)
    .addColumn('action', text, (c) => c.notNull())
    .addColumn('record_type', text)
    .addColumn('record_id', text)
    .addColumn('changes', text, (c) => c.notNull())
    .execute();
  // Newest first per account; a record's history.
  await db.schema.createIndex('audit_log_account_date').on('audit_log').columns(['account_id', 'create_date', 'id']).execute();
  await db.schema.createIndex('audit_log_account_record').on('audit_log').columns(['account_id', 'record_id']).execute();

  await db.schema
    .createTable('account_log_settings')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('account_id', text, (c) => c.notNull().unique().references('accounts.id'))
    .addColumn('token', text, (c) => c.notNull())
    .addColumn('server_address', text, (c) => c.notNull())
    .addColumn('service_port', text, (c) => c.notNull())
    .addColumn('active', int, (c) => c.notNull())
    .addColumn('provider', int, (c) => c.notNull())
    .addColumn('create_date', text, (c) => c.notNull())
    .addColumn('update_date', text, (c) => c.notNull())
    .addColumn('lease_owner', text)
    .addColumn('lease_until', text)
    .addColumn('attempts', int, (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', text, (c) => c.notNull().defaultTo(''))
    .addColumn('last_error', text)
    .execute();

  await db.schema
    .createTable('audit_outbox')
    .addColumn('id', int, (c) => c.primaryKey().autoIncrement())
    .addColumn('account_id', text, (c) => c.notNull())
    .addColumn('entry_id', text, (c) => c.notNull())
    .addColumn('create_date', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_outbox_account').on('audit_outbox').columns(['account_id', 'id']).execute();
  // An entry of an account that forwards its log is queued by the statement that writes it (no second one).
  await sql`create trigger audit_log_outbox after insert on audit_log
    when exists (select 1 from account_log_settings where account_id = new.account_id and active = 1)
    begin
      insert into audit_outbox (account_id, entry_id, create_date) values (new.account_id, new.id, new.create_date);
    end`.execute(db);
}
