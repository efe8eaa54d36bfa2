import { spawn, type ChildProcess } from 'node:child_process'
import { BIN_PATH as BIN } from '../package-root.js'
import type { EventType, TightropeEvent } from '../core/events.js'
import { parseEventLine } from '../daemon/log-line.js'

/**
 * One operator's `tightrope start`, in its own process, logging JSON: its output split into lines
 * (kept for what is not an event, e.g. a crash) and read back as events.
 */
export class OperatorProcess {
  readonly lines: string[] = []
  readonly events: TightropeEvent[] = []
  private readonly child: ChildProcess
  private readonly exited: Promise<number | null>
  private readonly listeners = new Set<(line: string) => void>()
  private readonly eventListeners = new Set<(event: TightropeEvent) => void>()

  constructor(
    readonly name: string,
    configDir: string
  ) {
    this.child = spawn(process.execPath, [BIN, 'start', '--config', configDir, '--log-format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let partial = ''
    const onData = (chunk: Buffer): void => {
      partial += chunk.toString()
      const parts = partial.split('\n')
      partial = parts.pop() ?? ''
      for (const line of parts) {
        this.lines.push(line)
        if (this.lines.length > 5000) this.lines.splice(0, 1000)
        for (const l of this.listeners) l(line)
        const event = parseEventLine(line)
        if (event) {
          this.events.push(event)
          if (this.events.length > 5000) this.events.splice(0, 1000)
          for (const l of this.eventListeners) l(event)
        }
      }
    }
    this.child.stdout?.on('data', onData)
    this.child.stderr?.on('data', onData)
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)))
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  onLine(listener: (line: string) => void): void {
    this.listeners.add(listener)
  }

  onEvent(listener: (event: TightropeEvent) => void): void {
    this.eventListeners.add(listener)
  }

  /** Resolves with the first event of this type (already logged or to come); rejects if the process exits or time runs out. */
  waitForEvent<K extends EventType>(type: K, timeoutMs: number): Promise<Extract<TightropeEvent, { type: K }>> {
    const match = (e: TightropeEvent): e is Extract<TightropeEvent, { type: K }> => e.type === type
    return this.waitUntil(
      this.events.find(match),
      this.eventListeners,
      (e) => (match(e) ? e : undefined),
      type,
      timeoutMs
    )
  }

  /** Resolves with the first line matching, or rejects if the process exits or time runs out. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string> {
    return this.waitUntil(
      this.lines.find((l) => pattern.test(l)),
      this.listeners,
      (l) => (pattern.test(l) ? l : undefined),
      String(pattern),
      timeoutMs
    )
  }

  private waitUntil<I, O>(
    found: O | undefined,
    listeners: Set<(item: I) => void>,
    pick: (item: I) => O | undefined,
    what: string,
    timeoutMs: number
  ): Promise<O> {
    if (found !== undefined) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms:\n${this.lines.slice(-20).join('\n')}`))
      }, timeoutMs)
      const onItem = (item: I): void => {
        const o = pick(item)
        if (o !== undefined) {
          cleanup()
          resolve(o)
        }
      }
      const onExit = (): void => {
        cleanup()
        reject(new Error(`${this.name} exited:\n${this.lines.slice(-20).join('\n')}`))
      }
      const cleanup = (): void => {
        clearTimeout(timer)
        listeners.delete(onItem)
        this.child.off('exit', onExit)
      }
      listeners.add(onItem)
      this.child.once('exit', onExit)
    })
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  /** SIGKILL: a crash. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL')
    await this.exited
  }

  /** SIGTERM (a graceful stop), then SIGKILL if it takes too long. */
  async stop(timeoutMs = 20_000): Promise<number | null> {
    if (!this.running) return this.child.exitCode
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs)
    const code = await this.exited
    clearTimeout(timer)
    return code
  }
}
