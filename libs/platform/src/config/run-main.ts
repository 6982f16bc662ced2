import { ConfigError } from './app-config.js';

/** Runs a process entry point; a configuration problem ends it with one clear line, not a stack. */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    const message =
      error instanceof ConfigError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
