import { Type } from 'typebox';
import { TokenQuery } from '../../http/paging.js';

export const MfaQuery = Type.Object(TokenQuery);

export const MfaSecret = Type.String({
  description:
    'The new base-32 TOTP shared secret (RFC 6238: SHA-1, 6 digits, 30 s). Pending until set_mfa confirms it with a code.',
});

export const SetMfaBody = Type.Object({
  enabled: Type.Boolean({ description: 'true to turn MFA on, false to turn it off.' }),
  userCode: Type.Optional(
    Type.String({
      maxLength: 16,
      description:
        'The current 6-digit code: from the pending secret when turning MFA on, from the active one when turning it off. Required unless MFA is already off.',
    }),
  ),
});
