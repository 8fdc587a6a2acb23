import type { Principal } from '../context.js';
import { AccessDenied } from '../http/errors.js';

/** Changes to the account's projects, drives, users and groups are for admins (DECISIONS.md section 4). */
export function requireAdmin(principal: Principal): void {
  if (!principal.admin) throw new AccessDenied('Only an account admin may do this.');
}
