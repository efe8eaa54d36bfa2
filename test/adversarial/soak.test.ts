import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'

/** The soak in its short form: one minute of traffic and random faults, every invariant held. */
describe('soak (short)', () => {
  it('one minute of traffic and random faults: no fee, no other channel, no limit exceeded, ledgers match the network', async () => {
    const child = spawn(
      process.execPath,
      [join(process.cwd(), 'dist', 'soak', 'soak.js'), '--minutes', '1', '--seed', '5'],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000)
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    clearTimeout(timer)
    const summary = JSON.parse(out.slice(out.indexOf('{'))) as {
      violations: string[]
      rebalances: number
      feesPaidSats: number
      faults: Record<string, number>
    }
    assert.deepEqual(
      summary.violations,
      [],
      err
        .split('\n')
        .filter((l) => l.startsWith('VIOLATION'))
        .join('\n')
    )
    assert.equal(code, 0)
    assert.equal(summary.feesPaidSats, 0)
    assert.ok(summary.rebalances > 0)
    assert.ok(Object.values(summary.faults).reduce((s, n) => s + n, 0) >= 2, 'faults were injected')
  })
})
