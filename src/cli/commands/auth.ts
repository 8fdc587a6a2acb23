import readline from 'node:readline/promises';
import type { Command } from 'commander';
import {
  ApiClient,
  CliError,
  credentialsFile,
  deleteCredentials,
  readCredentials,
  resolveServer,
  writeCredentials,
} from '../client.js';
import { keyValues } from '../format.js';
import { clientCommand, run, signedIn, usageExits, write, writeJson, type ClientOptions } from './common.js';

interface LoginAnswer {
  jwtToken: string;
  challenge: number;
  session: string | null;
}

interface UserInfo {
  accountName: string;
  accountId: string;
  userId: string;
  firstName: string;
  lastName: string;
  username: string;
  userType: number;
  owner: boolean;
  mfa: boolean;
  jwtToken?: string;
}

/** The documented UserType flags. */
export const USER_TYPES: [number, string][] = [
  [1, 'ProviderAdmin'],
  [2, 'ResellerAdmin'],
  [4, 'AccountAdmin'],
  [8, 'AccountUser'],
  [16, 'DesktopAdmin'],
  [32, 'DesktopCreativeUser'],
  [64, 'DesktopStandardUser'],
];

export function userTypeNames(userType: number): string {
  const names = USER_TYPES.filter(([flag]) => (userType & flag) !== 0).map(([, name]) => name);
  return names.length > 0 ? `${names.join(', ')} (${userType})` : String(userType);
}

const interactive = () => process.stdin.isTTY === true;

async function askLine(prompt: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(prompt)).trim();
  } finally {
    rl.close();
  }
}

/** Reads a secret from the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: CliError) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new CliError('cancelled', 130));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readFirstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? '';
}

async function password(options: { passwordStdin?: boolean }): Promise<string> {
  if (options.passwordStdin) return readFirstLineOfStdin();
  if (process.env.CLICKD_PASSWORD) return process.env.CLICKD_PASSWORD;
  if (interactive()) return askHidden('Password: ');
  throw new CliError('no password: set CLICKD_PASSWORD, pipe it with --password-stdin, or run in a terminal', 2);
}

async function mfaCode(): Promise<string> {
  if (process.env.CLICKD_MFA_CODE) return process.env.CLICKD_MFA_CODE.trim();
  if (interactive()) return askLine('Code from your authenticator app: ');
  throw new CliError('this user signs in with a second factor: set CLICKD_MFA_CODE to the current code, or run in a terminal', 2);
}

export function registerAuthCommands(program: Command): void {
  clientCommand(
    program,
    'login',
    'Sign in to a clickd server and keep the session token in your credentials file (owner-only).',
    [
      '  clickd login --username ada@example.com            # asks for the password',
      '  CLICKD_PASSWORD=... clickd login --username ada@example.com --server http://localhost:29123',
      '  printf %s "$PASSWORD" | clickd login --username ada@example.com --password-stdin',
      '',
      'The password is read from CLICKD_PASSWORD, from stdin with --password-stdin, or asked without echo.',
      'Users with two-factor authentication are asked for the code (or set CLICKD_MFA_CODE).',
      'The token is kept in $XDG_CONFIG_HOME/clickd/credentials.json (CLICKD_CONFIG_DIR overrides the folder).',
    ].join('\n'),
  )
    .option('--username <email>', 'the email you sign in with (env CLICKD_USERNAME; asked when missing)')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(
      run(
        async (options: ClientOptions & { username?: string; passwordStdin?: boolean }) => {
          const previous = readCredentials();
          const server = resolveServer(options.server, previous);
          let username = options.username ?? process.env.CLICKD_USERNAME;
          if (!username) {
            if (!interactive() || options.passwordStdin) throw new CliError('give --username (or set CLICKD_USERNAME)', 2);
            username = await askLine('Username (email): ');
          }
          const client = new ApiClient(server);
          let answer = await client.post<LoginAnswer>('/authentication/login', { username, password: await password(options) });
          if (answer.challenge === 1 && answer.session) {
            answer = await client.post<LoginAnswer>('/authentication/mfa_respond', {
              userCode: await mfaCode(),
              session: answer.session,
            });
          } else if (answer.challenge !== 0) {
            throw new CliError(`the server asks for a challenge this client does not support (${answer.challenge})`);
          }
          if (!answer.jwtToken) throw new CliError('the server answered the login without a token');
          // The session this login replaces is ended, not left to expire.
          if (previous)
            await new ApiClient(previous.server).post('/authentication/logout', { jwtToken: previous.token }).catch(() => {});
          const file = writeCredentials({ server, token: answer.jwtToken, username, savedAt: new Date().toISOString() });
          if (options.json) writeJson({ server, username, credentialsFile: file });
          else write(`Logged in to ${server} as ${username}.\n`);
        },
        { login: true },
      ),
    );

  usageExits(program.command('logout'))
    .description('End the session on the server and forget the saved token.')
    .option('--json', 'print {"server", "loggedOut"} as JSON')
    .addHelpText('after', '\nExamples:\n  clickd logout')
    .action(
      run(async (options: { json?: boolean }) => {
        const credentials = readCredentials();
        if (!credentials) {
          if (options.json) writeJson({ server: null, loggedOut: false });
          else write('Not logged in.\n');
          return;
        }
        let warning: string | undefined;
        try {
          await new ApiClient(credentials.server).post('/authentication/logout', { jwtToken: credentials.token });
        } catch (err) {
          warning = `the server could not end the session (${(err as Error).message}); the saved token is removed anyway`;
        }
        deleteCredentials();
        if (warning) process.stderr.write(`warning: ${warning}\n`);
        if (options.json) writeJson({ server: credentials.server, loggedOut: true });
        else write(`Logged out of ${credentials.server}.\n`);
      }),
    );

  clientCommand(program, 'whoami', 'Show who you are signed in as, and where.', '  clickd whoami\n  clickd whoami --json').action(
    run(async (options: ClientOptions) => {
      const client = signedIn(options);
      const user = await client.get<UserInfo>('/authentication/user');
      delete user.jwtToken; // the caller's own token, echoed by the API: not worth printing
      if (options.json) return writeJson(user);
      write(
        keyValues([
          ['Server', client.server],
          ['Username', user.username],
          ['Name', `${user.firstName} ${user.lastName}`.trim()],
          ['Account', user.accountName],
          ['Account id', user.accountId],
          ['User id', user.userId],
          ['User type', userTypeNames(user.userType)],
          ['Owner', user.owner],
          ['Two-factor', user.mfa],
          ['Credentials', credentialsFile()],
        ]),
      );
    }),
  );
}
