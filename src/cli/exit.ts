// The CLI's exit codes (documented in --help and docs/ci.md) and the errors that carry them.

export const EXIT = {
  passed: 0,
  /** The verdict failed, or a release step did (the build, the signature check, …). */
  failed: 1,
  /** Bad arguments or settings: nothing ran. */
  usage: 2,
  /** A cloud or the serial port could not be reached. */
  infrastructure: 3,
  /** SIGINT / SIGTERM: the run was cancelled like Cancel Release. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A problem the user fixes in the command line or the settings (exit 2); the message names the setting or flag. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A cloud or a port that cannot be reached (exit 3). */
export class InfrastructureError extends Error {
  readonly exitCode = EXIT.infrastructure;
  constructor(message: string) {
    super(message);
    this.name = 'InfrastructureError';
  }
}
