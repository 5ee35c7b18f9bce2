export { type CliTarget, cliTarget } from './cli-target.ts';
export { type PgConventionDeps, pgConventionCommands } from './commands.ts';
export { environmentKeywords, environmentParameters } from './environment.ts';
export {
  type ImportResult,
  type ImportSink,
  importEnvironment,
  importServiceFiles,
} from './import.ts';
export {
  defaultPgFilesContext,
  osUser,
  type PgFilesContext,
  pgpassPath,
  serviceFilePaths,
} from './locations.ts';
export {
  lookupPgpass,
  matchPgpass,
  type PasswordFileSource,
  type PgpassLookup,
  parsePgpass,
  passwordFileSource,
} from './pgpass.ts';
export { completeConfig, type ResolvedParameters, resolveParameters } from './resolve.ts';
export { parseServiceFile, readServiceFile, resolveService } from './service-file.ts';
