import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AuditLog } from '../../src/ledger/audit-log.js'
import { ledgerDir, tx } from './ledger-dir.js'
import type { LedgerDir } from './ledger-dir.js'

describe('AuditLog storage errors', () => {
  let dir: LedgerDir
  beforeEach(async () => {
    dir = await ledgerDir()
  })
  afterEach(async () => {
    await dir.cleanup()
  })

  it('refuses a second writer on the same storage with a clear error, and works again once the first closes', async () => {
    const storage = join(dir.path, 'storage')
    const first = await dir.open()
    await first.appendEvent('first')
    await assert.rejects(
      AuditLog.open({ storagePath: storage }),
      (err: Error) =>
        err.message ===
          `audit storage ${storage} is in use by a running tightrope daemon (or another ` +
            `process); stop it first, or open the logs read-only` &&
        /could not be locked/.test(String((err.cause as Error | undefined)?.message))
    )
    assert.equal(await first.appendEvent('still-works'), 1, 'the failed open did not disturb the first writer')
    await first.close()
    const second = await dir.open()
    assert.equal((await second.events()).total, 2)
  })

  it('names the path when the storage directory cannot be created (its parent is a file)', async () => {
    const file = join(dir.path, 'a-file')
    await writeFile(file, 'x')
    const storage = join(file, 'storage')
    await assert.rejects(
      AuditLog.open({ storagePath: storage }),
      (err: Error) =>
        err.message.startsWith(`audit storage ${storage} cannot be created: `) && /ENOTDIR/.test(err.message)
    )
  })

  it('names the path when the storage path is itself a file', async () => {
    const file = join(dir.path, 'a-file')
    await writeFile(file, 'x')
    await assert.rejects(AuditLog.open({ storagePath: file }), (err: Error) =>
      err.message.startsWith(`audit storage ${file} cannot be created: `)
    )
  })

  it('refuses to put both logs in one core', async () => {
    await assert.rejects(
      dir.open({ eventLogName: 'log', transactionLogName: 'log' }),
      /need different names \(both are "log"\)/
    )
  })

  it('read-only: reads beside a running writer, sees what was stored before it opened, and refuses appends', async () => {
    const storage = join(dir.path, 'storage')
    const writer = await dir.open()
    await writer.appendTransaction(tx(1))
    await writer.appendEvent('one')
    const reader = await dir.open({ readOnly: true })
    assert.equal(reader.readOnly, true)
    assert.deepEqual(
      reader.allTransactions().map((t) => t.tokens),
      [1]
    )
    assert.deepEqual(
      (await reader.events()).entries.map((e) => e.type),
      ['one']
    )
    assert.deepEqual(reader.keys, writer.keys)
    await assert.rejects(
      reader.appendEvent('nope'),
      (err: Error) => err.message === `audit log ${storage} (event-log) is open read-only; entry not written`
    )
    await assert.rejects(reader.appendTransaction(tx(2)), /open read-only/)
    await reader.close()
    assert.equal(await writer.appendEvent('two'), 1, 'the writer is unaffected by the reader')
  })

  it('read-only: a missing storage directory or log name is a clear error, and nothing is created', async () => {
    const missing = join(dir.path, 'nothing-here')
    await assert.rejects(
      AuditLog.open({ storagePath: missing, readOnly: true }),
      (err: Error) => err.message === `no audit storage at ${missing}: has the daemon run with this config?`
    )
    await assert.rejects(
      AuditLog.open({ storagePath: missing, readOnly: true }),
      /no audit storage/,
      'still missing: the first attempt created nothing'
    )
    const writer = await dir.open()
    await writer.close()
    await assert.rejects(dir.open({ readOnly: true, eventLogName: 'events-typo' }), (err: Error) =>
      err.message.endsWith('has no log named "events-typo" (check audit.eventLog / audit.transactionHistory)')
    )
    const reader = await dir.open({ readOnly: true })
    assert.equal((await reader.events()).total, 0, 'the right names still open after a failed attempt')
  })
})
