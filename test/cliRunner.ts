import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs the installed `clickd` binary (bin/clickd.js) as a real process, with its own credentials folder. */

const ROOT = path.resolve(import.meta.dirname, '..');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export class CliRunner {
  readonly configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-cli-'));

  run(args: string[], env: Record<string, string> = {}): Promise<Run> {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLICKD_')));
    return new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [path.join(ROOT, 'bin/clickd.js'), ...args],
        { cwd: ROOT, env: { ...clean, CLICKD_CONFIG_DIR: this.configDir, ...env }, timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
      child.stdin?.end();
    });
  }

  /** Runs a command that must succeed, and returns its output. */
  async ok(args: string[]): Promise<string> {
    const run = await this.run(args);
    assert.equal(run.code, 0, `clickd ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout;
  }

  async login(server: string, username: string, password: string): Promise<void> {
    const run = await this.run(['login', '--server', server, '--username', username], { CLICKD_PASSWORD: password });
    assert.equal(run.code, 0, run.stderr);
  }

  dispose(): void {
    fs.rmSync(this.configDir, { recursive: true, force: true });
  }
}
