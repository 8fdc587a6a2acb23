import { Invalid } from '../errors.js';

/** The trimmed name; blank names are refused (the schema has checked type and length). */
export function cleanName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new Invalid("'name' must not be blank.");
  return trimmed;
}
