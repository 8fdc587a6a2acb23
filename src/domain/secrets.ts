import { createHash, randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** SHA-256 of a high-entropy token: enough to store it without keeping the value. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** A short code a person types: 4 characters from an unambiguous alphabet. */
export function confirmationCode(length = 4): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let code = '';
  for (let i = 0; i < length; i++) code += alphabet[randomInt(alphabet.length)];
  return code;
}

/**
 * The JWT signing key: generated on first start, kept in the data directory readable by the owner only.
 */
export function loadSigningKey(dataDir: string): Uint8Array {
  const file = path.join(dataDir, 'signing.key');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    fs.chmodSync(file, 0o600);
    return Buffer.from(existing, 'base64');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  try {
    fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    // Another process (a CLI command next to a running server) created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadSigningKey(dataDir);
    throw err;
  }
}
