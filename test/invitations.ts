import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Client, type TestServer } from './helpers.js';

/**
 * Helpers for the users and user groups tests: invite users over HTTP, read their invitation tokens from
 * the outbox the way a person reads their mail, and activate them through /user/signup.
 */

let counter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}${++counter}-${process.pid}-${Date.now()}@example.com`;

/** Every invitation token mailed to `email`, oldest first. */
export function invitationTokens(server: TestServer, email: string): string[] {
  const dir = path.join(server.dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  const tokens: { mtime: number; name: string; token: string }[] = [];
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes(`To: ${email}\r\n`)) continue;
    const match = /Invitation token \(valid 7 days\): (\S+)/.exec(text);
    if (match) tokens.push({ mtime: fs.statSync(file).mtimeMs, name, token: match[1]! });
  }
  return tokens.sort((a, b) => a.mtime - b.mtime || a.name.localeCompare(b.name)).map((t) => t.token);
}

/** The only invitation token mailed to `email`. */
export function invitationToken(server: TestServer, email: string): string {
  const tokens = invitationTokens(server, email);
  assert.equal(tokens.length, 1, `expected one invitation for ${email}, found ${tokens.length}`);
  return tokens[0]!;
}

export interface InvitedUser {
  id: string;
  username: string;
  email: string;
  userType: number;
  status: number;
  [key: string]: unknown;
}

/** insert_user with a fresh username (also the email) unless given. */
export async function invite(admin: Client, fields: Record<string, unknown> = {}): Promise<InvitedUser> {
  const email = uniqueEmail();
  const res = await admin.post('/user/insert_user', {
    firstname: 'Given',
    lastname: 'Family',
    username: email,
    email,
    userType: 32,
    ...fields,
  });
  assert.equal(res.status, 200, res.text);
  return res.body as InvitedUser;
}

export interface ActiveUser {
  user: InvitedUser;
  password: string;
  token: string;
  client: Client;
}

/** Invites a user, accepts the invitation from the outbox with /user/signup and signs in over HTTP. */
export async function activeUser(server: TestServer, admin: Client, userType: number): Promise<ActiveUser> {
  const user = await invite(admin, { userType });
  const password = 'invited-user-password';
  const anonymous = new Client(server.url);
  const signup = await anonymous.post('/user/signup', {
    firstname: 'Invited',
    lastname: 'Person',
    password,
    token: invitationToken(server, user.email),
  });
  assert.equal(signup.status, 200, signup.text);
  const login = await anonymous.post('/authentication/login', { username: user.username, password, type: 32 });
  assert.equal(login.status, 200, login.text);
  const token = login.body.jwtToken as string;
  return { user, password, token, client: new Client(server.url, token) };
}
