import { spawn, type ChildProcess } from 'node:child_process'
import { BIN_PATH as BIN } from '../package-root.js'

/** One operator's `tightrope start`, in its own process, its output split into lines. */
export class OperatorProcess {
  readonly lines: string[] = []
  private readonly child: ChildProcess
  private readonly exited: Promise<number | null>
  private readonly listeners = new Set<(line: string) => void>()

  constructor (readonly name: string, configDir: string) {
    this.child = spawn(process.execPath, [BIN, 'start', '--config', configDir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let partial = ''
    const onData = (chunk: Buffer): void => {
      partial += chunk.toString()
      const parts = partial.split('\n')
      partial = parts.pop() ?? ''
      for (const line of parts) {
        this.lines.push(line)
        if (this.lines.length > 5000) this.lines.splice(0, 1000)
        for (const l of this.listeners) l(line)
      }
    }
    this.child.stdout?.on('data', onData)
    this.child.stderr?.on('data', onData)
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)))
  }

  get running (): boolean { return this.child.exitCode === null && this.child.signalCode === null }

  onLine (listener: (line: string) => void): void { this.listeners.add(listener) }

  /** Resolves with the first line matching, or rejects if the process exits or time runs out. */
  waitFor (pattern: RegExp, timeoutMs: number): Promise<string> {
    const found = this.lines.find((l) => pattern.test(l))
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { cleanup(); reject(new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms:\n${this.lines.slice(-20).join('\n')}`)) }, timeoutMs)
      const onLine = (line: string): void => { if (pattern.test(line)) { cleanup(); resolve(line) } }
      const onExit = (): void => { cleanup(); reject(new Error(`${this.name} exited:\n${this.lines.slice(-20).join('\n')}`)) }
      const cleanup = (): void => { clearTimeout(timer); this.listeners.delete(onLine); this.child.off('exit', onExit) }
      this.listeners.add(onLine)
      this.child.once('exit', onExit)
    })
  }

  get pid (): number | undefined { return this.child.pid }

  /** SIGKILL: a crash. */
  async kill (): Promise<void> {
    if (this.running) this.child.kill('SIGKILL')
    await this.exited
  }

  /** SIGTERM (a graceful stop), then SIGKILL if it takes too long. */
  async stop (timeoutMs = 20_000): Promise<number | null> {
    if (!this.running) return this.child.exitCode
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs)
    const code = await this.exited
    clearTimeout(timer)
    return code
  }
}
