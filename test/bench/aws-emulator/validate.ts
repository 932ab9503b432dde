// Input checks with AWS's own wording ("1 validation error detected: Value … at '…' failed to
// satisfy constraint: …"), so tests see what the real service would say.

import { AwsError } from './errors';

export type ErrorType = 'InvalidRequestException' | 'ValidationException';

const fail = (type: string, field: string, value: unknown, constraint: string) =>
  new AwsError(400, type, `1 validation error detected: Value '${String(value).slice(0, 200)}' at '${field}' failed to satisfy constraint: ${constraint}`);

export function required<T>(field: string, value: T | undefined | null, type: string = 'InvalidRequestException'): T {
  if (value === undefined || value === null || value === '') throw new AwsError(400, type, `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  return value;
}

export function checkString(
  field: string,
  value: unknown,
  rule: { min?: number; max?: number; pattern?: RegExp },
  type: string = 'InvalidRequestException',
): string {
  if (typeof value !== 'string') throw fail(type, field, value, 'Member must be a string');
  if (rule.min !== undefined && value.length < rule.min) throw fail(type, field, value, `Member must have length greater than or equal to ${rule.min}`);
  if (rule.max !== undefined && value.length > rule.max) throw fail(type, field, value, `Member must have length less than or equal to ${rule.max}`);
  if (rule.pattern && !rule.pattern.test(value)) throw fail(type, field, value, `Member must satisfy regular expression pattern: ${rule.pattern.source}`);
  return value;
}

export function optString(field: string, value: unknown, rule: { min?: number; max?: number; pattern?: RegExp }, type?: string): string | undefined {
  return value === undefined || value === null ? undefined : checkString(field, value, rule, type);
}

export function checkInt(field: string, value: unknown, range: { min: number; max: number }, type: string = 'InvalidRequestException'): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw fail(type, field, value, 'Member must be an integer');
  return checkNumber(field, value, range, type);
}

export function checkNumber(field: string, value: unknown, range: { min: number; max: number }, type: string = 'InvalidRequestException'): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(type, field, value, 'Member must be a number');
  if (value < range.min) throw fail(type, field, value, `Member must have value greater than or equal to ${range.min}`);
  if (value > range.max) throw fail(type, field, value, `Member must have value less than or equal to ${range.max}`);
  return value;
}

export function checkEnum<T extends string>(field: string, value: unknown, allowed: readonly T[], type: string = 'InvalidRequestException'): T {
  if (!allowed.includes(value as T)) throw fail(type, field, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  return value as T;
}

export function checkArray<T>(field: string, value: unknown, range: { min: number; max: number }, type: string = 'InvalidRequestException'): T[] {
  if (!Array.isArray(value)) throw fail(type, field, value, 'Member must be a list');
  if (value.length < range.min) throw fail(type, field, value.length, `Member must have length greater than or equal to ${range.min}`);
  if (value.length > range.max) throw fail(type, field, value.length, `Member must have length less than or equal to ${range.max}`);
  return value as T[];
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
