import { Type } from 'typebox';
import { BooleanQuery, CollectionOf, TokenQuery, Uuid, pagingQuery } from '../../http/paging.js';
import * as records from '../../records/index.js';

// Inline copies without their $id: a schema may name an $id only once, and the details views hold
// each of them twice (under the Click and the Web keys).
export const Project = records.project.inline;
export const SharedCloudDrive = records.sharedCloudDrive.inline;

/** Sort fields of a user list: API name → column of `users`. */
export const USER_SORT = {
  Username: 'username_key',
  Email: 'email',
  Firstname: 'firstname',
  Lastname: 'lastname',
  CreateDate: 'create_date',
  UpdateDate: 'update_date',
  UserType: 'user_type',
  Status: 'status',
  Id: 'id',
};

export const USER_FIELD_MAX = 50;

const userTypeDescription = records.USER_TYPE_DESCRIPTION;

export const User = records.user.schema;
export const UserGroup = records.userGroup.schema;
export const UserUserGroup = records.userUserGroup.schema;
export const UserProjectPermission = records.userProjectPermission.schema;
export const UserSharedCloudDrivePermission = records.userSharedCloudDrivePermission.schema;

const GroupEntry = Type.Object({ user: User, userGroup: UserGroup, userUserGroup: UserUserGroup });
const ProjectEntry = Type.Object({ project: Project, permission: UserProjectPermission });
const DriveEntry = Type.Object({ sharedCloudDrive: SharedCloudDrive, permission: UserSharedCloudDrivePermission });

export const UserWithDetails = Type.Object({
  ...User.properties,
  userGroups: Type.Array(GroupEntry, { description: 'The groups the user belongs to (Click key).' }),
  projects: Type.Array(ProjectEntry, { description: 'Projects granted to the user directly (Click key).' }),
  sharedCloudDrives: Type.Array(DriveEntry, { description: 'Shared cloud drives granted to the user directly (Click key).' }),
  groups: Type.Array(GroupEntry, { description: 'Same as userGroups (Web API key).' }),
  projectsData: Type.Array(ProjectEntry, { description: 'Same as projects (Web API key).' }),
  drivesData: Type.Array(DriveEntry, { description: 'Same as sharedCloudDrives (Web API key).' }),
});

export const UserList = CollectionOf(User);
export const UserDetailsList = CollectionOf(UserWithDetails);

export const ListUsersQuery = pagingQuery('CreateDate', {
  userStatus: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 7,
      default: 7,
      description: 'UserStatus flags to list: 1 Active, 2 Inactive, 4 Pending; default 7 (all); 0 means all too.',
    }),
  ),
  userType: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 127, description: `${userTypeDescription} Default (or 0): all types.` }),
  ),
  username: Type.Optional(Type.String({ description: 'Case-insensitive substring filter on the username.' })),
  deleted: Type.Optional(BooleanQuery('List the soft-deleted users instead of the live ones.')),
});

const Name = (what: string) =>
  Type.String({ maxLength: USER_FIELD_MAX, description: `${what}, at most ${USER_FIELD_MAX} characters.` });
export const Username = Type.String({
  format: 'email',
  maxLength: USER_FIELD_MAX,
  description: 'An email address: the name the user signs in with, unique across all accounts.',
});
export const Email = Type.String({ format: 'email', maxLength: USER_FIELD_MAX, description: 'Where invitations are sent.' });
export const UserTypeField = Type.Integer({
  minimum: 1,
  maximum: 127,
  description: `${userTypeDescription} ProviderAdmin and ResellerAdmin cannot be given.`,
});

export const InsertUserBody = Type.Object({
  firstname: Type.Optional(Name('First name')),
  lastname: Type.Optional(Name('Last name')),
  username: Username,
  email: Email,
  userType: UserTypeField,
});

export const EditUserBody = Type.Object({
  id: Uuid('The user to change.'),
  firstname: Type.Optional(Name('First name')),
  lastname: Type.Optional(Name('Last name')),
  username: Type.Optional(Username),
  email: Type.Optional(Email),
  userType: Type.Optional(UserTypeField),
  status: Type.Optional(
    Type.Integer({
      enum: [1, 2, 4],
      description: '1 Active or 2 Inactive; a pending user (4) activates by accepting the invitation.',
    }),
  ),
});

export const ResendBody = Type.Object({
  id: Type.Optional(Uuid('The pending user to invite again.')),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Or the username of that user.' })),
});

export const IdQuery = (description: string) => Type.Object({ ...TokenQuery, id: Uuid(description) });

export const SignupInfoQuery = Type.Object({
  token: Type.Optional(Type.String({ description: 'The invitation token from the invitation email.' })),
});

export const SignupInfo = Type.Object({
  userId: Type.String({ format: 'uuid' }),
  accountId: Type.String({ format: 'uuid' }),
  accountName: Type.String(),
  username: Type.String(),
  email: Type.String(),
  firstname: Type.String(),
  lastname: Type.String(),
  userType: Type.Integer(),
});

export const SignupBody = Type.Object({
  firstname: Type.Optional(Name('First name')),
  lastname: Type.Optional(Name('Last name')),
  password: Type.String({ minLength: 1, maxLength: 256, description: 'At least 8 characters.' }),
  token: Type.String({ minLength: 1, maxLength: 256, description: 'The invitation token.' }),
});
