// Moved to core (the CLI verifies the same way); kept as a re-export for the release commands.
export { verifyOnlyRecord, type ExistingVersion } from '../../core/release/verifyOnly';
