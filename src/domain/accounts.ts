import type { Store } from '../store/store.js';
import { OWNER_USER_TYPE } from '../store/values.js';
import type { User } from '../store/types.js';
import { Duplicate, Invalid } from '../errors.js';
import { hashPassword, PASSWORD_MIN_LENGTH } from './passwords.js';

export function checkPassword(password: string, field = 'password'): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new Invalid(`'${field}' must be at least ${PASSWORD_MIN_LENGTH} characters long.`);
  }
}

/** "Ada Lovelace" → ["Ada", "Lovelace"]. */
export function splitName(name: string): [string, string] {
  const trimmed = name.trim();
  const space = trimmed.indexOf(' ');
  return space < 0 ? [trimmed, ''] : [trimmed.slice(0, space), trimmed.slice(space + 1).trim()];
}

/** Creates an account and its owner (an admin), in one transaction. The email is the sign-in name. */
export async function createAccountWithOwner(
  store: Store,
  input: { name: string; email: string; password: string; status: number },
  /** Runs in the same transaction once both exist (the audit entry of a sign-up). */
  then?: (tx: Store, created: { accountId: string; owner: User }) => Promise<void>,
): Promise<{ accountId: string; owner: User }> {
  checkPassword(input.password);
  if (input.name.trim() === '') throw new Invalid("'name' must not be blank.");
  const email = input.email.trim();
  const passwordHash = await hashPassword(input.password);
  const [firstname, lastname] = splitName(input.name);
  try {
    return await store.transaction(async (tx) => {
      const trx = tx.db;
      if (await store.users.findUserByUsername(trx, email)) throw new Duplicate('A user with this email already exists.');
      const accountId = await store.users.createAccount(trx, input.name.trim());
      const owner = await store.users.insertUser(trx, {
        account_id: accountId,
        username: email,
        email,
        firstname,
        lastname,
        user_type: OWNER_USER_TYPE,
        status: input.status,
        owner: 1,
        mfa: 0,
        mfa_secret: null,
        mfa_pending_secret: null,
        password_hash: passwordHash,
        auth_provider: 0,
        migration: 0,
        deleted: 0,
        signup_date: new Date().toISOString(),
      });
      await then?.(tx, { accountId, owner });
      return { accountId, owner };
    });
  } catch (err) {
    if (store.isUniqueViolation(err)) throw new Duplicate('A user with this email already exists.');
    throw err;
  }
}
