import { Type } from 'typebox';
import type { User as UserRow } from '../store/types.js';
import { DateTime, defineRecord, Uuid } from './define.js';

export const USER_TYPE_DESCRIPTION =
  'UserType flags: 1 ProviderAdmin, 2 ResellerAdmin, 4 AccountAdmin, 8 AccountUser, 16 DesktopAdmin, 32 DesktopCreativeUser, 64 DesktopStandardUser.';

/**
 * A user (the documented User shape, lowercase firstname/lastname, in the documented order: the Click
 * example's fields, then the 2024 additions); never a password hash or a secret.
 */
export const user = defineRecord<UserRow>()({
  id: { from: 'id', schema: Uuid() },
  accountId: { from: 'account_id', schema: Uuid() },
  firstname: { from: 'firstname', schema: Type.String() },
  lastname: { from: 'lastname', schema: Type.String() },
  username: {
    from: 'username',
    schema: Type.String({ description: 'The email the user signs in with; unique across all accounts.' }),
  },
  email: { from: 'email', schema: Type.String() },
  userType: { from: 'user_type', schema: Type.Integer({ description: USER_TYPE_DESCRIPTION }) },
  status: {
    from: 'status',
    schema: Type.Integer({ description: 'UserStatus: 1 Active, 2 Inactive, 4 Pending (invited, not yet signed up).' }),
  },
  owner: { from: { boolean: 'owner' }, schema: Type.Boolean({ description: 'The account owner.' }) },
  mfa: { from: { boolean: 'mfa' }, schema: Type.Boolean({ description: 'TOTP verification is on.' }) },
  authProvider: {
    from: 'auth_provider',
    schema: Type.Integer({ description: '0 AWSCognito (password), 1 Google, 2 EntraID, 4 Okta, 8 SAML, 16 External.' }),
  },
  signupDate: {
    from: 'signup_date',
    schema: Type.Union([DateTime(), Type.Null()], { description: 'When the user signed up or accepted the invitation.' }),
  },
  migration: { from: { boolean: 'migration' }, schema: Type.Boolean() },
  deleted: { from: { boolean: 'deleted' }, schema: Type.Boolean({ description: 'Soft-delete flag.' }) },
  createDate: { from: 'create_date', schema: DateTime() },
  updateDate: { from: 'update_date', schema: DateTime() },
});
