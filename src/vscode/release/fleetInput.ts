// The Release to Fleet wizard's input checks, pure (no `vscode`): thing-group targets as ARNs, and
// each rollout field checked by the AWS provider's validateRollout as the user types it.
import { NAME } from '../../core/clouds/aws/limits';
import { validateRollout, type RolloutConfig } from '../../core/clouds/aws/rollout';

/** arn:aws:iot:<region>:<account>: from any IoT ARN we know (the version's or the verify job's). */
export function iotArnPrefix(...arns: (string | undefined)[]): string | undefined {
  for (const a of arns) {
    const m = a && /^(arn:aws[a-z-]*:iot:[a-z0-9-]+:\d{12}:)/.exec(a);
    if (m) return m[1];
  }
  return undefined;
}

/** Thing-group names or ARNs, comma separated, as ARNs; or the first problem. */
export function parseTargets(input: string, prefix: string | undefined): { arns?: string[]; error?: string } {
  const parts = input.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
  if (!parts.length) return { error: 'Enter at least one thing group (its name or ARN).' };
  const arns: string[] = [];
  for (const p of parts) {
    if (p.startsWith('arn:')) {
      if (!/^arn:aws[a-z-]*:iot:[a-z0-9-]+:\d{12}:(thing|thinggroup)\/[a-zA-Z0-9:_-]+$/.test(p)) return { error: `${p} is not a thing-group ARN (arn:aws:iot:<region>:<account>:thinggroup/<name>).` };
      arns.push(p);
    } else {
      const r = NAME.thingGroupName;
      if (p.length > r.max || !r.pattern.test(p)) return { error: `"${p}" is not a thing-group name (1–128 letters, digits, ":", "_" or "-").` };
      if (!prefix) return { error: `Give the full ARN of "${p}": the account is not known yet.` };
      arns.push(`${prefix}thinggroup/${p}`);
    }
  }
  return { arns };
}

/** The wizard's validation for one input: the errors validateRollout finds for that field. */
export function fieldError(config: RolloutConfig, field: string): string | undefined {
  return validateRollout(config).find((e) => e.field === field || e.field.startsWith(`${field}.`))?.message;
}
