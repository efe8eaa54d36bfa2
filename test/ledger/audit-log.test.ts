import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AuditLog } from '../../src/ledger/audit-log.js'
import { maskEntry } from '../../src/ledger/mask.js'
import { tempDir } from '../helpers/daemon.js'

const OPTS = { eventLogName: 'event-log', transactionLogName: 'transaction-log', shouldMask: ['publicKey', 'remotePeer'] }
const tx = (i: number) => ({ role: 'payer' as const, status: 'succeeded' as const, channelId: `1x${i}x0`, localPublicKey: 'aa', remotePublicKey: 'bb', tokens: i, paymentHash: String(i).padStart(64, '0') })

async function readAll (dir: string): Promise<string> {
  let text = ''
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) text += (await readFile(join(entry.parentPath ?? (entry as any).path, entry.name))).toString('latin1')
  }
  return text
}

describe('AuditLog on real Hypercore files', () => {
  let dir: { path: string; remove: () => Promise<void> }
  beforeEach(async () => { dir = await tempDir('tightrope-ledger-') })
  afterEach(async () => { await dir.remove() })

  it('appends and reads back events and transactions, with filters and paging', async () => {
    const log = await AuditLog.open({ storagePath: dir.path, ...OPTS })
    await log.appendEvent('started', { nodes: 2 })
    await log.appendEvent('decision', { channelId: '1x1x0' })
    for (let i = 1; i <= 5; i++) await log.appendTransaction(tx(i))
    const events = await log.events({ type: 'decision' })
    assert.equal(events.total, 1)
    assert.equal(events.entries[0]?.channelId, '1x1x0')
    const page = await log.transactions({ offset: 1, limit: 2 })
    assert.equal(page.total, 5)
    assert.deepEqual(page.entries.map((e) => e.tokens), [2, 3])
    assert.equal((await log.transactions({ channelId: '1x4x0' })).entries[0]?.tokens, 4)
    assert.equal(log.allTransactions().length, 5)
    await log.close()
  })

  it('survives close and reopen with order and content intact', async () => {
    const first = await AuditLog.open({ storagePath: dir.path, ...OPTS })
    for (let i = 1; i <= 3; i++) await first.appendTransaction(tx(i))
    const keys = first.keys
    await first.close()
    const second = await AuditLog.open({ storagePath: dir.path, ...OPTS })
    assert.deepEqual(second.allTransactions().map((t) => t.tokens), [1, 2, 3])
    assert.deepEqual(second.keys, keys, 'the same cores reopen')
    await second.appendTransaction(tx(4))
    assert.equal((await second.transactions()).entries[3]?.index, 3)
    await second.close()
  })

  it('lands every one of many concurrent appends, and close waits for them', async () => {
    const log = await AuditLog.open({ storagePath: dir.path, ...OPTS })
    const writes = Array.from({ length: 200 }, (_, i) => log.appendTransaction(tx(i)))
    const closed = log.close()
    const indexes = await Promise.all(writes)
    await closed
    assert.deepEqual([...indexes].sort((a, b) => a - b), Array.from({ length: 200 }, (_, i) => i))
    await assert.rejects(log.appendEvent('late'), /closed; entry not written/)
    await log.close()
    const reopened = await AuditLog.open({ storagePath: dir.path, ...OPTS })
    assert.equal(reopened.allTransactions().length, 200)
    await reopened.close()
  })

  it('masks configured fields on disk and never writes secrets', async () => {
    const log = await AuditLog.open({ storagePath: dir.path, ...OPTS })
    await log.appendEvent('peer', { publicKey: '02' + 'ab'.repeat(32), macaroon: 'SECRETMACAROON', nested: { secret: 'correcthorsebatterystaple', remotePeer: 'ff'.repeat(32) } })
    const stored = (await log.events()).entries[0] as Record<string, any>
    assert.equal(stored.publicKey, '02abab…abab')
    assert.equal(stored.macaroon, undefined)
    assert.equal(stored.nested.secret, undefined)
    assert.equal(stored.nested.remotePeer, 'ffffff…ffff')
    await log.close()
    const raw = await readAll(dir.path)
    assert.ok(!raw.includes('SECRETMACAROON') && !raw.includes('correcthorsebatterystaple'), 'no secret anywhere in the storage files')
  })

  it('refuses a second open of the same storage with a clear error', async () => {
    const log = await AuditLog.open({ storagePath: dir.path, ...OPTS })
    await assert.rejects(AuditLog.open({ storagePath: dir.path, ...OPTS }), /in use by another tightrope process/)
    await log.close()
  })

  it('names the path when the storage cannot be created', async () => {
    const file = join(dir.path, 'a-file')
    await writeFile(file, 'x')
    await assert.rejects(AuditLog.open({ storagePath: join(file, 'storage'), ...OPTS }), (err: Error) => err.message.includes(join(file, 'storage')))
  })
})

describe('maskEntry', () => {
  it('keeps short values fully hidden and leaves other keys alone', () => {
    assert.deepEqual(maskEntry({ publicKey: 'short', tokens: 5, list: [{ seed: 'x', ok: 1 }] }, ['publicKey']), { publicKey: '…', tokens: 5, list: [{ ok: 1 }] })
  })
})
