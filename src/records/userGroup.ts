import { Type } from 'typebox';
import type { UserGroup as UserGroupRow } from '../store/types.js';
import { DateTime, defineRecord, Uuid } from './define.js';

/** A user group (the UserGroup DTO). */
export const userGroup = defineRecord<UserGroupRow>()({
  id: { from: 'id', schema: Uuid() },
  accountId: { from: 'account_id', schema: Uuid() },
  name: { from: 'name', schema: Type.String() },
  description: { from: 'description', schema: Type.String() },
  active: { from: { boolean: 'active' }, schema: Type.Boolean() },
  deleted: { from: { boolean: 'deleted' }, schema: Type.Boolean() },
  createDate: { from: 'create_date', schema: DateTime() },
  updateDate: { from: 'update_date', schema: DateTime() },
});
