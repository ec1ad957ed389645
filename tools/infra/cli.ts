// How a tool's command line ends: its exit code, or its error in one line on stderr.

/** A `[name] line` on stderr: progress and errors, never the tool's result. */
export const stderrLine =
  (name: string) =>
  (line: string): void => {
    process.stderr.write(`[${name}] ${line}\n`);
  };

/** Runs `main`; exits with its code (0 when it returns none), or 1 after printing its error. */
export function runCli(name: string, main: () => Promise<number | void> | number | void): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => process.exit(code ?? 0),
      (error: unknown) => {
        stderrLine(name)(error instanceof Error ? error.message : String(error));
        process.exit(1);
      },
    );
}
