import { Type } from 'typebox';
import { TokenQuery, Uuid } from '../../http/paging.js';

// The documented limits (AMOVE-API.md section 8.4): token at most 100 characters, serverAddress at most
// 100, servicePort a string of at most 10; provider 1 is Splunk, the only one documented.
const fields = {
  token: Type.String({
    minLength: 1,
    maxLength: 100,
    description: "The provider's ingest token (a Splunk HTTP Event Collector token); `get` shows it masked.",
  }),
  serverAddress: Type.String({
    minLength: 1,
    maxLength: 100,
    pattern: '^\\S+$',
    description: "The collector's host name, optionally with a scheme (`http://splunk.example.com`); without one, https.",
  }),
  servicePort: Type.String({
    minLength: 1,
    maxLength: 10,
    pattern: '^[0-9]{1,5}$',
    description: "The collector's port, as a string (Splunk's HEC listens on 8088 by default).",
  }),
  active: Type.Boolean({ description: 'Forward the audit log while true.' }),
  provider: Type.Integer({ minimum: 1, maximum: 1, description: '1: Splunk (the only provider).' }),
};

export const SetupLogSettingBody = Type.Object(fields);
export const UpdateLogSettingBody = Type.Object({ id: Uuid('The setting (from `get`).'), ...fields });

export const AccountLogSetting = Type.Object(
  {
    id: Uuid('The setting.'),
    token: Type.String({ description: 'The ingest token, masked: only its last 4 characters show.' }),
    serverAddress: Type.String(),
    servicePort: Type.String(),
    active: Type.Boolean(),
    provider: Type.Integer(),
  },
  { $id: 'AccountLogSetting' },
);

export const SettingQuery = Type.Object(TokenQuery);
