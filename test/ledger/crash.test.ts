import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { AuditLog } from '../../src/ledger/audit-log.js'
import { ledgerDir } from './ledger-dir.js'
import type { LedgerDir } from './ledger-dir.js'

const AUDIT_LOG_MODULE = new URL('../../src/ledger/audit-log.js', import.meta.url).href
const APPENDS = 50

/**
 * A daemon stand-in in its own process: appends, awaiting each append as the daemon does, says
 * "ready" and then holds the storage open until it is killed. It never calls close().
 */
const CHILD = `
const { AuditLog } = await import(process.argv[2])
const log = await AuditLog.open({ storagePath: process.argv[3] })
for (let i = 0; i < ${APPENDS}; i++) {
  await log.appendTransaction({
    role: 'payer', status: 'pending', channelId: '1x1x0', localPublicKey: 'aa', remotePublicKey: 'bb',
    tokens: i, paymentHash: String(i).padStart(64, '0')
  })
}
await log.appendEvent('last-before-crash')
console.log('ready')
setInterval(() => {}, 60_000)
`

describe('AuditLog across processes', () => {
  let dir: LedgerDir
  let child: ChildProcess | undefined
  let storage: string

  before(async () => {
    dir = await ledgerDir()
    storage = join(dir.path, 'storage')
    const script = join(dir.path, 'child.mjs')
    await writeFile(script, CHILD)
    child = spawn(process.execPath, [script, AUDIT_LOG_MODULE, storage], { stdio: ['ignore', 'pipe', 'inherit'] })
    const lines = createInterface({ input: child.stdout! })
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`child exited early (${String(code)})`)
    })
    await Promise.race([once(lines, 'line'), exited])
  })

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await once(child, 'exit')
    }
    await dir.cleanup()
  })

  it('a second process cannot open the storage for writing while the first runs', async () => {
    await assert.rejects(AuditLog.open({ storagePath: storage }), /is in use by a running tightrope daemon/)
  })

  it('a read-only open works beside the running writer and sees every awaited append', async () => {
    const reader = await dir.open({ readOnly: true })
    assert.deepEqual(
      reader.allTransactions().map((t) => t.tokens),
      Array.from({ length: APPENDS }, (_, i) => i)
    )
    assert.equal((await reader.events({ type: 'last-before-crash' })).total, 1)
    assert.equal((await reader.verify()).ok, true)
    await reader.close()
  })

  it('after the writer is killed (no close), every awaited append is there and the storage opens for writing', async () => {
    assert.ok(child)
    child.kill('SIGKILL')
    const [, signal] = await once(child, 'exit')
    assert.equal(signal, 'SIGKILL')
    const log = await dir.open()
    assert.deepEqual(
      log.allTransactions().map((t) => t.tokens),
      Array.from({ length: APPENDS }, (_, i) => i)
    )
    assert.deepEqual(
      (await log.events()).entries.map((e) => e.type),
      ['last-before-crash']
    )
    assert.equal(await log.appendEvent('after-crash'), 1)
    assert.equal((await log.verify()).ok, true)
  })
})
