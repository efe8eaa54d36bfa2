/** A mistake in how a command was called: printed with the command's help, exit code 2. */
export class UsageError extends Error {}
