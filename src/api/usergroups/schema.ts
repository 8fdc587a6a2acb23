import { Type } from 'typebox';
import * as records from '../../records/index.js';
import { BooleanQuery, CollectionOf, TokenQuery, Uuid, pagingQuery } from '../../http/paging.js';
import {
  Project,
  SharedCloudDrive,
  Email,
  User,
  USER_FIELD_MAX,
  USER_SORT,
  UserGroup,
  UserTypeField,
  UserUserGroup,
  Username,
} from '../users/schema.js';

export { UserGroup, UserUserGroup };

/** Sort fields of a group list: API name → column of `user_groups`. */
export const USER_GROUP_SORT = {
  Name: 'name_key',
  Description: 'description',
  Active: 'active',
  CreateDate: 'create_date',
  UpdateDate: 'update_date',
  Id: 'id',
};

/** Sort fields of a membership list: the joined user's and group's fields, and the membership's own. */
export const MEMBERSHIP_SORT: Record<string, string> = {
  ...Object.fromEntries(Object.entries(USER_SORT).map(([f, c]) => [`User.${f}`, `users.${c}`])),
  ...Object.fromEntries(Object.entries(USER_GROUP_SORT).map(([f, c]) => [`UserGroup.${f}`, `user_groups.${c}`])),
  CreateDate: 'user_user_groups.create_date',
  Id: 'user_user_groups.id',
};

export const USER_GROUP_NAME_MAX = 100;
export const DESCRIPTION_MAX = 1000;
export const BULK_MAX = 1000;

export const UserGroupWithDetails = Type.Object({
  ...UserGroup.properties,
  projectsData: Type.Array(
    Type.Object({
      project: Project,
      permission: records.userGroupProjectPermission.schema,
    }),
    { description: 'Projects granted to the group.' },
  ),
  usersData: Type.Array(Type.Object({ user: User, userUserGroup: UserUserGroup }), { description: 'The members of the group.' }),
  drivesData: Type.Array(
    Type.Object({
      sharedCloudDrive: SharedCloudDrive,
      permission: records.userGroupSharedCloudDrivePermission.schema,
    }),
    { description: 'Shared cloud drives granted to the group.' },
  ),
});

export const UserUserGroupDTO = Type.Object({ user: User, userGroup: UserGroup, userUserGroup: UserUserGroup });

export const UserGroupList = CollectionOf(UserGroup);
export const UserGroupDetailsList = CollectionOf(UserGroupWithDetails);
export const MembershipList = CollectionOf(UserUserGroupDTO);

export const ListUserGroupsQuery = pagingQuery('Name', {
  name: Type.Optional(Type.String({ description: 'Case-insensitive substring filter on the group name.' })),
  deleted: Type.Optional(BooleanQuery('List the soft-deleted groups instead of the live ones.')),
});

export const AssignedUsersQuery = pagingQuery('User.Username', {
  userGroupId: Uuid('The user group.'),
  username: Type.Optional(Type.String({ description: 'Case-insensitive substring filter on the username.' })),
});

export const AssignedUserGroupsQuery = pagingQuery('UserGroup.Name', {
  userId: Uuid('The user.'),
  name: Type.Optional(Type.String({ description: 'Case-insensitive substring filter on the group name.' })),
});

const GroupName = Type.String({
  minLength: 1,
  maxLength: USER_GROUP_NAME_MAX,
  description: `Trimmed; unique in the account among live groups, case-insensitively; 1 to ${USER_GROUP_NAME_MAX} characters.`,
});
const Description = Type.String({ maxLength: DESCRIPTION_MAX });

export const InsertUserGroupBody = Type.Object({
  name: GroupName,
  description: Type.Optional(Description),
  active: Type.Optional(Type.Boolean({ default: true })),
});

export const UpdateUserGroupBody = Type.Object({
  id: Uuid('The user group to update.'),
  name: Type.Optional(GroupName),
  description: Type.Optional(Description),
  active: Type.Optional(Type.Boolean()),
});

export const IdQuery = (description: string) => Type.Object({ ...TokenQuery, id: Uuid(description) });

export const AssignUsersBody = Type.Array(
  Type.Object({ userId: Uuid('The user.'), userGroupId: Uuid('The group to add the user to.') }),
  { minItems: 1, maxItems: BULK_MAX },
);

export const ImportUsersBody = Type.Array(
  Type.Object({
    user: Type.Object({
      username: Username,
      email: Email,
      userType: UserTypeField,
      firstname: Type.Optional(Type.String({ maxLength: USER_FIELD_MAX })),
      lastname: Type.Optional(Type.String({ maxLength: USER_FIELD_MAX })),
    }),
    userGroups: Type.Optional(
      Type.Array(
        Type.Object({
          id: Type.Optional(Uuid('A group of the account; when it names none, the name is used.')),
          name: GroupName,
        }),
        { maxItems: BULK_MAX, description: 'Groups matched by id, else by name case-insensitively; created when missing.' },
      ),
    ),
  }),
  { minItems: 1, maxItems: BULK_MAX },
);
