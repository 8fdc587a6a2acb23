import type { Selectable } from 'kysely';
import type { UserUserGroupTable } from '../store/types.js';
import { DateTime, defineRecord, Uuid } from './define.js';

/** A user's membership of a group (the UserUserGroup join record). */
export const userUserGroup = defineRecord<Selectable<UserUserGroupTable>>()({
  id: { from: 'id', schema: Uuid('Id of the membership record (what unassign_user takes).') },
  userId: { from: 'user_id', schema: Uuid() },
  userGroupId: { from: 'user_group_id', schema: Uuid() },
  createDate: { from: 'create_date', schema: DateTime() },
});
