import type { Command } from 'commander';
import { registerAuditCommands } from './audit.js';
import { registerAuthCommands } from './auth.js';
import { registerDriveCommands } from './drives.js';
import { registerGroupCommands } from './groups.js';
import { registerPermissionCommands } from './permissions.js';
import { registerProjectCommands } from './projects.js';
import { registerUserCommands } from './users.js';

/** The API client commands of `clickd` (login, projects, drives, ...), beside serve and account. */
export function registerClientCommands(program: Command): void {
  registerAuthCommands(program);
  registerProjectCommands(program);
  registerDriveCommands(program);
  registerUserCommands(program);
  registerGroupCommands(program);
  registerPermissionCommands(program);
  registerAuditCommands(program);
  program.addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  clickd serve                                  # start the agent on http://localhost:29123',
      '  clickd login --username ada@example.com       # sign in (asks for the password)',
      '  clickd projects list',
      '  clickd projects create "Campaign 2026"',
      '',
      'Run `clickd <command> --help` for the options and examples of each command.',
    ].join('\n'),
  );
}
