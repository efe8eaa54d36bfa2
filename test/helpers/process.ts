import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { TightropeEvent } from '../../src/core/events.js'
import { parseEventLine } from '../../src/daemon/log-line.js'

export const BIN = join(process.cwd(), 'bin', 'tightrope.js')

export interface Running {
  child: ChildProcess
  output: () => string
  /** The events it logged so far, for a daemon started with `--log-format json` (other lines skipped). */
  events: () => TightropeEvent[]
  /** Sends a signal and resolves with the exit code (kills hard after timeoutMs). */
  stop: (signal?: NodeJS.Signals, timeoutMs?: number) => Promise<number | null>
}

/** Starts `tightrope ...args` as its own process; output is collected for assertions and errors. */
export function runTightrope(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    output: () => out,
    events: () => out.split('\n').flatMap((line) => parseEventLine(line) ?? []),
    stop: async (signal = 'SIGTERM', timeoutMs = 10_000) => {
      if (child.exitCode !== null) return child.exitCode
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      const code = await exited
      clearTimeout(timer)
      return code
    }
  }
}

/** Runs a command to completion and returns its exit code and output. */
export async function runToEnd(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000
): Promise<{ code: number | null; output: string }> {
  const r = runTightrope(args, env)
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      r.child.kill('SIGKILL')
    }, timeoutMs)
    r.child.once('exit', (c) => {
      clearTimeout(timer)
      resolve(c)
    })
  })
  return { code, output: r.output() }
}

export async function waitForFile(file: string, timeoutMs = 30_000, running?: Running): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!existsSync(file)) {
    if (running && running.child.exitCode !== null)
      throw new Error(`process exited (${running.child.exitCode}) before writing ${file}:\n${running.output()}`)
    if (Date.now() > until)
      throw new Error(`${file} not written within ${timeoutMs} ms${running ? `:\n${running.output()}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
