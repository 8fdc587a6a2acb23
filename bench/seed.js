// Seeds a fresh clickd data directory for the benchmarks: the account and its owner through the real CLI
// (which also applies the migrations), then projects, drives, users, groups and the links between them
// written straight into SQLite in large transactions, the way a long-lived account would have grown.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';

export const OWNER = { name: 'Bench Owner', email: 'bench-owner@example.com', password: 'bench-password-1' };

/** The children each project gets where details are measured. */
export const CHILDREN = { drives: 5, users: 5, groups: 2 };

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Deterministic names in a shuffled order, so that insertion order is not the sort order. */
export function projectName(i) {
  const words = ['Campaign', 'Archive', 'Studio', 'Edit', 'Review', 'Delivery', 'Launch', 'Promo', 'Series', 'Shoot'];
  const scrambled = (i * 2654435761) % 4294967296;
  return `${words[scrambled % words.length]} ${String(scrambled).padStart(10, '0')} ${i}`;
}

/**
 * Creates `dataDir` with an account of `projects` projects. With `children`, also a pool of drives, users
 * and groups, and links so that each project has CHILDREN.drives drives, .users users and .groups groups.
 * Returns the ids the benchmark needs.
 */
export function seed(dataDir, { projects, children = false }) {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const out = execFileSync(
    process.execPath,
    [
      path.join(root, 'bin/clickd.js'),
      'account',
      'create',
      '--name',
      OWNER.name,
      '--email',
      OWNER.email,
      '--password',
      OWNER.password,
      '--data-dir',
      dataDir,
    ],
    { encoding: 'utf8' },
  );
  const { accountId, userId } = JSON.parse(out);

  const db = new SQLite(path.join(dataDir, 'clickd.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const at = new Date().toISOString();
  const insertProject = db.prepare(
    `insert into projects (id, account_id, name, name_key, description, active, deleted, create_date, update_date)
     values (?, ?, ?, ?, ?, 1, 0, ?, ?)`,
  );
  const projectIds = [];
  const batch = 50_000;
  for (let start = 0; start < projects; start += batch) {
    db.transaction(() => {
      for (let i = start; i < Math.min(projects, start + batch); i++) {
        const id = randomUUID();
        const name = projectName(i);
        insertProject.run(id, accountId, name, name.toLowerCase(), `Seeded project number ${i}`, at, at);
        if (children || i < 5000) projectIds.push(id);
      }
    })();
  }

  // Drives exist at every size: the assign benchmark needs some.
  const driveCount = children ? Math.max(1000, Math.ceil(projects / 100)) : 100;
  const insertDrive = db.prepare(
    `insert into shared_cloud_drives (id, account_id, creator_user_id, cloud_account_id, name, name_key, prefix,
       prefix_id, storage_id, storage_name, objects_per_folder, allow_delete, local_cache_encrypted,
       cloud_objects_encrypted, drive_type, sync_type, active, deleted, create_date, update_date)
     values (?, ?, ?, ?, ?, ?, ?, '', '', ?, 10000, 0, 0, 0, 1, 1, 1, 0, ?, ?)`,
  );
  const driveIds = [];
  db.transaction(() => {
    for (let i = 0; i < driveCount; i++) {
      const id = randomUUID();
      const name = `Drive ${String(i).padStart(6, '0')}`;
      insertDrive.run(id, accountId, userId, randomUUID(), name, name.toLowerCase(), `team-${i}/`, `bucket-${i % 10}`, at, at);
      driveIds.push(id);
    }
  })();

  if (children) {
    const userCount = Math.max(1000, Math.ceil(projects / 100));
    const groupCount = Math.max(200, Math.ceil(projects / 500));
    const insertUser = db.prepare(
      `insert into users (id, account_id, username, username_key, email, firstname, lastname, user_type, status, owner,
         mfa, auth_provider, migration, deleted, create_date, update_date)
       values (?, ?, ?, ?, ?, ?, ?, 32, 1, 0, 0, 0, 0, 0, ?, ?)`,
    );
    const insertGroup = db.prepare(
      `insert into user_groups (id, account_id, name, name_key, description, active, deleted, create_date, update_date)
       values (?, ?, ?, ?, ?, 1, 0, ?, ?)`,
    );
    const userIds = [];
    const groupIds = [];
    db.transaction(() => {
      for (let i = 0; i < userCount; i++) {
        const id = randomUUID();
        const email = `user${i}@bench.example.com`;
        insertUser.run(id, accountId, email, email, email, `First${i}`, `Last${i}`, at, at);
        userIds.push(id);
      }
      for (let i = 0; i < groupCount; i++) {
        const id = randomUUID();
        const name = `Group ${String(i).padStart(5, '0')}`;
        insertGroup.run(id, accountId, name, name.toLowerCase(), `Seeded group ${i}`, at, at);
        groupIds.push(id);
      }
    })();

    const link = (table, columns) =>
      db.prepare(`insert into ${table} (id, account_id, ${columns}, create_date${table.startsWith('project_') ? '' : ', permission_type, update_date'})
        values (?, ?, ?, ?, ?${table.startsWith('project_') ? '' : ', ?, ?'})`);
    const assign = link('project_shared_cloud_drives', 'project_id, shared_cloud_drive_id');
    const userPermission = link('user_project_permissions', 'user_id, project_id');
    const groupPermission = link('user_group_project_permissions', 'user_group_id, project_id');
    for (let start = 0; start < projectIds.length; start += batch) {
      db.transaction(() => {
        for (let p = start; p < Math.min(projectIds.length, start + batch); p++) {
          const projectId = projectIds[p];
          for (let k = 0; k < CHILDREN.drives; k++) {
            assign.run(randomUUID(), accountId, projectId, driveIds[(p * CHILDREN.drives + k) % driveIds.length], at);
          }
          for (let k = 0; k < CHILDREN.users; k++) {
            const userId = userIds[(p * CHILDREN.users + k) % userIds.length];
            userPermission.run(randomUUID(), accountId, userId, projectId, at, 1 + (k % 2), at);
          }
          for (let k = 0; k < CHILDREN.groups; k++) {
            const groupId = groupIds[(p * CHILDREN.groups + k) % groupIds.length];
            groupPermission.run(randomUUID(), accountId, groupId, projectId, at, 2, at);
          }
        }
      })();
    }
  }

  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { accountId, userId, projectIds, driveIds };
}

/** The same projects as a json-server db.json (camelCase, as our API presents them). */
export function exportJsonServerDb(dataDir, file) {
  const db = new SQLite(path.join(dataDir, 'clickd.db'), { readonly: true });
  const rows = db.prepare('select * from projects where deleted = 0').all();
  db.close();
  const projects = rows.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    description: r.description,
    active: r.active === 1,
    deleted: r.deleted === 1,
    createDate: r.create_date,
    updateDate: r.update_date,
  }));
  fs.writeFileSync(file, JSON.stringify({ projects }));
  return projects.length;
}

/** A real count, for checks: live projects of the account. */
export function countProjects(dataDir, accountId) {
  const db = new SQLite(path.join(dataDir, 'clickd.db'), { readonly: true });
  const { n } = db.prepare('select count(*) as n from projects where account_id = ? and deleted = 0').get(accountId);
  db.close();
  return n;
}
