import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import Corestore from 'corestore'
import { ledgerDir, tx } from './ledger-dir.js'
import type { LedgerDir } from './ledger-dir.js'

/**
 * Simulated disk tampering: hypercore-storage's own write transaction, reached through internals,
 * puts bytes where Hypercore keeps blocks and tree nodes, as an attacker editing the files would.
 */
interface StorageWrite {
  putBlock(index: number, data: Buffer): void
  putTreeNode(node: { index: number; size: number; hash: Buffer }): void
  flush(): Promise<void>
}

async function tamper(storage: string, name: string, edit: (tx: StorageWrite) => void): Promise<void> {
  const store = new Corestore(storage)
  const core = store.get({ name, valueEncoding: 'json' })
  await core.ready()
  const write = (core as unknown as { core: { storage: { write(): StorageWrite } } }).core.storage.write()
  edit(write)
  await write.flush()
  await core.close()
  await store.close()
}

describe('AuditLog.verify', () => {
  let dir: LedgerDir
  beforeEach(async () => {
    dir = await ledgerDir()
  })
  afterEach(async () => {
    await dir.cleanup()
  })

  async function fill(): Promise<void> {
    const log = await dir.open()
    for (let i = 0; i < 5; i++) await log.appendEvent('tick', { i })
    for (let i = 0; i < 3; i++) await log.appendTransaction(tx(i))
    await log.close()
  }

  it('reports ok with the entry counts on a healthy log, writable or read-only, empty or not', async () => {
    const empty = await dir.open()
    assert.deepEqual(await empty.verify(), { ok: true, eventCount: 0, transactionCount: 0, problems: [] })
    await empty.close()
    await fill()
    const writable = await dir.open()
    assert.deepEqual(await writable.verify(), { ok: true, eventCount: 5, transactionCount: 3, problems: [] })
    await writable.close()
    const reader = await dir.open({ readOnly: true })
    assert.deepEqual(await reader.verify(), { ok: true, eventCount: 5, transactionCount: 3, problems: [] })
  })

  it('close lets a running verify and read finish before closing the cores', async () => {
    await fill()
    const log = await dir.open()
    const checking = log.verify()
    const reading = log.events({ type: 'tick' })
    await log.close()
    assert.deepEqual(await checking, { ok: true, eventCount: 5, transactionCount: 3, problems: [] })
    assert.equal((await reading).total, 5)
    await assert.rejects(log.verify(), /is closed/)
  })

  it('finds a block replaced on disk by a well-formed forged entry', async () => {
    await fill()
    await tamper(join(dir.path, 'storage'), 'event-log', (w) =>
      w.putBlock(2, Buffer.from(JSON.stringify({ kind: 'event', at: 1, type: 'forged' })))
    )
    const reader = await dir.open({ readOnly: true })
    assert.equal((await reader.events()).entries[2]?.type, 'forged', 'the forged entry reads back like any other')
    const result = await reader.verify()
    assert.equal(result.ok, false)
    assert.deepEqual(result.problems, ['event-log: 1 block(s) do not match their hash in the Merkle tree'])
  })

  it('finds a Merkle root replaced on disk, through the signed head', async () => {
    await fill()
    // 5 blocks: the roots are node 3 (blocks 0-3) and node 8 (block 4).
    await tamper(join(dir.path, 'storage'), 'event-log', (w) =>
      w.putTreeNode({ index: 3, size: 100, hash: Buffer.alloc(32, 7) })
    )
    const reader = await dir.open({ readOnly: true })
    const result = await reader.verify()
    assert.equal(result.ok, false)
    assert.ok(
      result.problems.some((p) => /^event-log: the signed head does not verify: INVALID_SIGNATURE/.test(p)),
      result.problems.join('\n')
    )
    assert.ok(
      result.problems.some((p) => /event-log: 1 Merkle tree node\(s\) do not match/.test(p)),
      result.problems.join('\n')
    )
    assert.ok(
      result.problems.every((p) => p.startsWith('event-log: ')),
      'the transaction log is still fine'
    )
  })

  it('finds an entry that is not JSON, and a daemon refuses to open on an unreadable transaction', async () => {
    await fill()
    await tamper(join(dir.path, 'storage'), 'transaction-log', (w) => w.putBlock(1, Buffer.from('not json')))
    await assert.rejects(dir.open(), /transaction log entry 1 is unreadable .*run 'tightrope audit --verify'/)
    const reader = await dir.open({ readOnly: true })
    assert.deepEqual(
      reader.allTransactions().map((t) => t.tokens),
      [0, 2],
      'a reader skips the bad entry'
    )
    assert.deepEqual(
      (await reader.transactions()).entries.map((t) => t.index),
      [0, 2],
      'and keeps the others at their indexes'
    )
    const result = await reader.verify()
    assert.equal(result.ok, false)
    assert.ok(
      result.problems.includes('transaction-log: 1 block(s) do not match their hash in the Merkle tree'),
      result.problems.join('\n')
    )
    assert.ok(
      result.problems.some((p) => p.startsWith('transaction-log: entry 1 is unreadable')),
      result.problems.join('\n')
    )
  })
})
