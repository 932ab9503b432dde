// Input checks with AWS's own wording ("1 validation error detected: Value … at '…' failed to
// satisfy constraint: …"), so tests see what the real service would say. The checks themselves
// are the kit's; this file only words their problems as AWS does.

import * as kit from '../kit';
import { AwsError } from './errors';

export type ErrorType = 'InvalidRequestException' | 'ValidationException';

const TYPE_TEXT: Record<string, string> = { string: 'Member must be a string', integer: 'Member must be an integer', number: 'Member must be a number', list: 'Member must be a list' };

/** A kit problem in AWS words. */
export function awsConstraint(p: kit.Problem): string {
  switch (p.kind) {
    case 'required':
      return 'Member must not be null';
    case 'type':
      return TYPE_TEXT[p.expected ?? 'string'] ?? `Member must be a ${p.expected}`;
    case 'length':
      return `Member must have length ${p.bound === 'min' ? 'greater' : 'less'} than or equal to ${p.limit}`;
    case 'range':
      return `Member must have value ${p.bound === 'min' ? 'greater' : 'less'} than or equal to ${p.limit}`;
    case 'pattern':
      return `Member must satisfy regular expression pattern: ${p.pattern?.source}`;
    case 'enum':
      return `Member must satisfy enum value set: [${p.allowed?.join(', ')}]`;
  }
}

export function awsProblem(p: kit.Problem, type: string = 'InvalidRequestException'): AwsError {
  const value = p.kind === 'required' ? 'null' : `'${String(p.value).slice(0, 200)}'`;
  return new AwsError(400, type, `1 validation error detected: Value ${value} at '${p.field}' failed to satisfy constraint: ${awsConstraint(p)}`);
}

const check = (p: kit.Problem | undefined, type?: string): void => {
  if (p) throw awsProblem(p, type);
};

export function required<T>(field: string, value: T | undefined | null, type: string = 'InvalidRequestException'): T {
  check(kit.checkRequired(field, value), type);
  return value as T;
}

export function checkString(field: string, value: unknown, rule: kit.StringRule, type: string = 'InvalidRequestException'): string {
  check(kit.checkString(field, value, rule), type);
  return value as string;
}

export function optString(field: string, value: unknown, rule: kit.StringRule, type?: string): string | undefined {
  return value === undefined || value === null ? undefined : checkString(field, value, rule, type);
}

export function checkInt(field: string, value: unknown, range: kit.Range, type: string = 'InvalidRequestException'): number {
  check(kit.checkInt(field, value, range), type);
  return value as number;
}

export function checkNumber(field: string, value: unknown, range: kit.Range, type: string = 'InvalidRequestException'): number {
  check(kit.checkNumber(field, value, range), type);
  return value as number;
}

export function checkEnum<T extends string>(field: string, value: unknown, allowed: readonly T[], type: string = 'InvalidRequestException'): T {
  check(kit.checkEnum(field, value, allowed), type);
  return value as T;
}

export function checkArray<T>(field: string, value: unknown, range: kit.Range, type: string = 'InvalidRequestException'): T[] {
  check(kit.checkList(field, value, range), type);
  return value as T[];
}

export const isObject = kit.isObject;
