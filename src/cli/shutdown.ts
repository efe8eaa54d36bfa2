/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits. A second signal while stopping forces the exit,
 * so an operator is never stuck behind a hung shutdown.
 */
export function onShutdown(stop: () => Promise<void>, log: (line: string) => void = (l) => console.error(l)): void {
  let stopping = false
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again: exiting now`)
      process.exit(130)
    }
    stopping = true
    log(`${signal}: stopping...`)
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log(`error while stopping: ${(err as Error)?.message ?? err}`)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
}
