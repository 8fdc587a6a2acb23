import { Type } from 'typebox';
import { TokenQuery } from '../../http/paging.js';

const USER_TYPES = [1, 2, 4, 8, 16, 32, 64];
const Email = Type.String({ format: 'email', maxLength: 50 });
const Password = Type.String({ minLength: 1, maxLength: 256 });

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 256, description: 'The email the user signs in with.' }),
  password: Password,
  type: Type.Optional(Type.Integer({ enum: USER_TYPES, description: 'Client type; desktop clients send 16, 32 or 64.' })),
});

export const LoginResponse = Type.Object({
  jwtToken: Type.String({ description: 'The session token; empty when a challenge is issued.' }),
  challenge: Type.Integer({ description: '0 None, 1 TOTP, 2 SMS.' }),
  session: Type.Union([Type.String(), Type.Null()], {
    description: 'Present when the challenge is non-zero: pass it to mfa_respond.',
  }),
});

export const LogoutBody = Type.Object({ jwtToken: Type.String({ minLength: 1 }) });

export const SignupBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 50 }),
  email: Email,
  password: Password,
});

export const ConfirmSignupBody = Type.Object({
  email: Email,
  token: Type.String({ minLength: 1, maxLength: 4, description: 'The 4-character code sent by email.' }),
});

export const EmailBody = Type.Object({ email: Email });
export const UsernameBody = Type.Object({ username: Type.String({ minLength: 1, maxLength: 256 }) });

export const UserInfo = Type.Object({
  accountName: Type.String(),
  accountId: Type.String({ format: 'uuid' }),
  userId: Type.String({ format: 'uuid' }),
  firstName: Type.String(),
  lastName: Type.String(),
  username: Type.String(),
  userType: Type.Integer(),
  jwtToken: Type.String({ description: "The caller's own token, echoed." }),
  owner: Type.Boolean(),
  migration: Type.Boolean(),
  subscriptionType: Type.Integer({ description: '1 Monthly, 2 Yearly.' }),
  mfa: Type.Boolean(),
  authProvider: Type.Integer(),
});

export const UpdateUserBody = Type.Object({
  accountName: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Admins only.' })),
  firstName: Type.Optional(Type.String({ maxLength: 50 })),
  lastName: Type.Optional(Type.String({ maxLength: 50 })),
});

export const ResetPasswordBody = Type.Object({
  password: Password,
  currentPassword: Type.Optional(Type.String({ description: 'With a session token: the current password.' })),
  resetToken: Type.Optional(Type.String({ description: 'Without a session token: the token from the reset email.' })),
});

export const AuthQuery = Type.Object(TokenQuery);
