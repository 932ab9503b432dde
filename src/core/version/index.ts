// Firmware versions: where they are read from, what each cloud accepts, and the stamp in an image.
export { VERSION_RULES, PACKAGE_NAME_RULES, versionProblems, packageNameProblems, versionValidator, type NameRule, type NameProblem } from './rules';
export { readVersion, fromFile, fromGit, compileVersionRegex, DEFAULT_VERSION_REGEX, VersionError, type VersionSource, type VersionPrompt, type VersionContext, type ReadVersion } from './read';
export { VERSION_MARKER, versionStamp, embeddedVersion, readEmbeddedVersion } from './embedded';
