import type { z } from 'zod';
import { ImproperlyConfigured } from './errors.js';

/** Validates options with zod; every mistake becomes ImproperlyConfigured naming the option. */
export function parseOptions<T extends z.ZodType>(schema: T, input: unknown, where: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  throw new ImproperlyConfigured(`${where}: ${path === '' ? 'options' : `option '${path}'`} ${describeIssue(issue)}`);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `has unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  // zod messages describe types and ranges, never echo values, so they cannot leak a secret.
  return issue.message.replace(/^Invalid input: /, '').replace(/^./, (c) => c.toLowerCase());
}
