// Moved to core (the CLI watches serial the same way); kept as a re-export for the release commands.
export { serialWatcher, type SerialLineSource } from '../../core/release/serialWatcher';
