// The coded values of stored columns, the same on every database: what routes and domain code compare a
// row's fields with. Values only, no queries (the repositories are reached through the Store).

export const UserStatus = { Active: 1, Inactive: 2, Pending: 4 } as const;
export const UserType = {
  ProviderAdmin: 1,
  ResellerAdmin: 2,
  AccountAdmin: 4,
  AccountUser: 8,
  DesktopAdmin: 16,
  DesktopCreativeUser: 32,
  DesktopStandardUser: 64,
} as const;
/** An account owner is an admin on both sides: the account (web) and the desktop agent. */
export const OWNER_USER_TYPE = UserType.AccountAdmin | UserType.DesktopAdmin;
