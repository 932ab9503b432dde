// Field checks that return cloud-neutral problems; each emulator words them as its cloud does
// (AWS "1 validation error detected: …", IoTDA error_code/error_msg, Alibaba Code/Message).
// Each check* returns a Problem or undefined; Fields collects many; ProblemError carries them.

export type ProblemKind = 'required' | 'type' | 'enum' | 'pattern' | 'length' | 'range';

export interface Problem {
  field: string;
  kind: ProblemKind;
  /** The offending value (for 'length' on a list, the list's length). */
  value: unknown;
  /** 'type': the type wanted. */
  expected?: 'string' | 'integer' | 'number' | 'list' | 'object' | 'boolean';
  /** 'length' / 'range': which bound was broken, and that bound. */
  bound?: 'min' | 'max';
  limit?: number;
  /** 'enum': the values allowed. */
  allowed?: readonly string[];
  /** 'pattern': the rule's regular expression. */
  pattern?: RegExp;
}

/** Thrown by paging helpers and Fields.assert(); emulators turn it into their error shape. */
export class ProblemError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(describe).join('; '));
    this.name = 'ProblemError';
  }
}

/** A neutral English sentence for a problem (logs, tests; clouds use their own words). */
export function describe(p: Problem): string {
  switch (p.kind) {
    case 'required':
      return `${p.field} is required`;
    case 'type':
      return `${p.field} must be a ${p.expected}`;
    case 'enum':
      return `${p.field} must be one of ${p.allowed?.join(', ')}`;
    case 'pattern':
      return `${p.field} must match ${p.pattern?.source}`;
    case 'length':
      return `${p.field} length must be ${p.bound === 'min' ? 'at least' : 'at most'} ${p.limit}`;
    case 'range':
      return `${p.field} must be ${p.bound === 'min' ? 'at least' : 'at most'} ${p.limit}`;
  }
}

export interface StringRule {
  min?: number;
  max?: number;
  pattern?: RegExp;
}
export interface Range {
  min: number;
  max: number;
}

export const isMissing = (v: unknown) => v === undefined || v === null || v === '';

export function checkRequired(field: string, value: unknown): Problem | undefined {
  return isMissing(value) ? { field, kind: 'required', value: null } : undefined;
}

export function checkString(field: string, value: unknown, rule: StringRule = {}): Problem | undefined {
  if (typeof value !== 'string') return { field, kind: 'type', value, expected: 'string' };
  if (rule.min !== undefined && value.length < rule.min) return { field, kind: 'length', value, bound: 'min', limit: rule.min };
  if (rule.max !== undefined && value.length > rule.max) return { field, kind: 'length', value, bound: 'max', limit: rule.max };
  if (rule.pattern && !rule.pattern.test(value)) return { field, kind: 'pattern', value, pattern: rule.pattern };
  return undefined;
}

export function checkNumber(field: string, value: unknown, range: Range): Problem | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return { field, kind: 'type', value, expected: 'number' };
  if (value < range.min) return { field, kind: 'range', value, bound: 'min', limit: range.min };
  if (value > range.max) return { field, kind: 'range', value, bound: 'max', limit: range.max };
  return undefined;
}

export function checkInt(field: string, value: unknown, range: Range): Problem | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return { field, kind: 'type', value, expected: 'integer' };
  return checkNumber(field, value, range);
}

/** An integer that arrived as text (query strings, form fields): "10" passes, "1.5" and "x" do not. */
export function checkIntText(field: string, value: string | null | undefined, range: Range): Problem | undefined {
  if (value === null || value === undefined) return undefined;
  return /^-?\d+$/.test(value.trim()) ? checkInt(field, Number(value), range) : { field, kind: 'type', value, expected: 'integer' };
}

export function checkEnum(field: string, value: unknown, allowed: readonly string[]): Problem | undefined {
  return allowed.includes(value as string) ? undefined : { field, kind: 'enum', value, allowed };
}

export function checkList(field: string, value: unknown, range: Range): Problem | undefined {
  if (!Array.isArray(value)) return { field, kind: 'type', value, expected: 'list' };
  if (value.length < range.min) return { field, kind: 'length', value: value.length, bound: 'min', limit: range.min };
  if (value.length > range.max) return { field, kind: 'length', value: value.length, bound: 'max', limit: range.max };
  return undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Collects every problem of a request, for clouds that report them all (or the first):
 *   const f = new Fields(); f.required('task_type', b.task_type); f.string('task_name', b.task_name, { max: 128 });
 *   f.assert();   // throws ProblemError with the list, if any
 */
export class Fields {
  readonly problems: Problem[] = [];

  private add(p: Problem | undefined): boolean {
    if (p) this.problems.push(p);
    return !p;
  }
  required(field: string, value: unknown): boolean {
    return this.add(checkRequired(field, value));
  }
  /** Optional fields pass when absent; present ones must satisfy the rule. */
  string(field: string, value: unknown, rule: StringRule = {}, optional = false): boolean {
    return optional && isMissing(value) ? true : this.add(checkString(field, value, rule));
  }
  int(field: string, value: unknown, range: Range, optional = false): boolean {
    return optional && value === undefined ? true : this.add(checkInt(field, value, range));
  }
  enum(field: string, value: unknown, allowed: readonly string[], optional = false): boolean {
    return optional && value === undefined ? true : this.add(checkEnum(field, value, allowed));
  }
  list(field: string, value: unknown, range: Range, optional = false): boolean {
    return optional && value === undefined ? true : this.add(checkList(field, value, range));
  }
  get ok(): boolean {
    return this.problems.length === 0;
  }
  assert(): void {
    if (this.problems.length) throw new ProblemError(this.problems);
  }
}
