import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { ledgerDir, rawBytes, tx } from './ledger-dir.js'
import type { LedgerDir } from './ledger-dir.js'

describe('AuditLog on real Hypercore files', () => {
  let dir: LedgerDir
  beforeEach(async () => {
    dir = await ledgerDir()
  })
  afterEach(async () => {
    await dir.cleanup()
  })

  it('reads back events with type and since filters and paging, oldest first with log indexes', async () => {
    const log = await dir.open({ shouldMask: [] })
    await log.appendEvent('started', { nodes: 2, at: 1000 })
    await log.appendEvent('decision', { channelId: '1x1x0', at: 2000 })
    await log.appendEvent('decision', { channelId: '1x2x0', at: 3000 })
    await log.appendEvent('stopped', { at: 4000 })

    const decisions = await log.events({ type: 'decision' })
    assert.equal(decisions.total, 2)
    assert.deepEqual(
      decisions.entries.map((e) => [e.index, e.channelId, e.kind]),
      [
        [1, '1x1x0', 'event'],
        [2, '1x2x0', 'event']
      ]
    )
    assert.deepEqual(
      (await log.events({ since: 3000 })).entries.map((e) => e.type),
      ['decision', 'stopped']
    )
    assert.deepEqual(
      (await log.events({ since: 2500, type: 'decision' })).entries.map((e) => e.index),
      [2]
    )

    const page = await log.events({ offset: 1, limit: 2 })
    assert.equal(page.total, 4)
    assert.deepEqual(
      page.entries.map((e) => [e.index, e.type, e.at]),
      [
        [1, 'decision', 2000],
        [2, 'decision', 3000]
      ]
    )
    assert.deepEqual((await log.events({ offset: 10 })).entries, [])
    assert.equal((await log.events({ type: 'decision', offset: 1, limit: 5 })).entries[0]?.channelId, '1x2x0')
  })

  it('a since query finds every event since then, across chunks and a clock stepped back an hour', async () => {
    const log = await dir.open({ shouldMask: [] })
    const DAY = 86_400_000
    const T = 100 * DAY
    // 600 events a minute apart over 10 hours, then 10 days later 300 more, one stamped an hour back.
    for (let i = 0; i < 600; i++) await log.appendEvent('old', { at: T + i * 60_000 })
    for (let i = 0; i < 300; i++)
      await log.appendEvent('new', { at: i === 150 ? T + 10 * DAY - 3_600_000 : T + 10 * DAY + i })
    const since = T + 10 * DAY - 2 * 3_600_000
    const page = await log.events({ since })
    assert.equal(page.total, 300, 'every new event, the one stamped before its predecessors too')
    assert.ok(page.entries.every((e) => e.type === 'new'))
    assert.equal((await log.events({ since: T + 300 * 60_000 })).total, 300 + 300, 'back into the old ones')
    assert.equal((await log.events({ since: 0 })).total, 900)
  })

  it('sets `at` when absent and keeps it when given', async () => {
    const log = await dir.open()
    const before = Date.now()
    await log.appendEvent('now')
    await log.appendTransaction(tx(1))
    await log.appendTransaction(tx(2, { at: 42 }))
    const after = Date.now()
    const [event] = (await log.events()).entries
    assert.ok(event !== undefined && event.at >= before && event.at <= after, `event at ${event?.at}`)
    const [first, second] = log.allTransactions()
    assert.ok(first !== undefined && first.at >= before && first.at <= after)
    assert.equal(second?.at, 42)
  })

  it('reads back transactions with channel and since filters and paging, and keeps all of them in memory', async () => {
    const log = await dir.open()
    for (let i = 1; i <= 7; i++) await log.appendTransaction(tx(i, { at: i * 100 }))

    const onChannel = await log.transactions({ channelId: '1x1x0' })
    assert.equal(onChannel.total, 3)
    assert.deepEqual(
      onChannel.entries.map((e) => [e.index, e.tokens]),
      [
        [0, 1],
        [3, 4],
        [6, 7]
      ]
    )
    const page = await log.transactions({ since: 300, offset: 1, limit: 2 })
    assert.equal(page.total, 5)
    assert.deepEqual(
      page.entries.map((e) => e.tokens),
      [4, 5]
    )
    assert.deepEqual(
      log.allTransactions().map((t) => t.tokens),
      [1, 2, 3, 4, 5, 6, 7]
    )
    assert.equal(log.allTransactions()[0]?.kind, 'transaction')
    assert.throws(
      () => {
        ;(log.allTransactions()[0] as { tokens: number }).tokens = 99
      },
      TypeError,
      'ledger entries in memory are frozen'
    )
  })

  it('keeps order and content across close and reopen, and keeps appending after them', async () => {
    const first = await dir.open()
    for (let i = 1; i <= 5; i++) await first.appendTransaction(tx(i))
    await first.appendEvent('before-restart', { n: 1 })
    const keys = first.keys
    const stored = first.allTransactions().map((t) => ({ ...t }))
    await first.close()

    const second = await dir.open()
    assert.deepEqual(second.keys, keys, 'the same named cores reopen')
    assert.match(keys.eventLog, /^[0-9a-f]{64}$/)
    assert.notEqual(keys.eventLog, keys.transactionLog)
    assert.deepEqual(second.allTransactions(), stored, 'the in-memory ledger after a restart equals the one before')
    assert.equal(await second.appendTransaction(tx(6)), 5)
    assert.equal(await second.appendEvent('after-restart'), 1)
    assert.deepEqual(
      (await second.events()).entries.map((e) => e.type),
      ['before-restart', 'after-restart']
    )
    assert.deepEqual(
      (await second.transactions()).entries.map((e) => [e.index, e.tokens]),
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
        [4, 5],
        [5, 6]
      ]
    )
  })

  it('lands every one of many concurrent appends, in call order, with distinct indexes', async () => {
    const log = await dir.open()
    const n = 300
    const writes = Array.from({ length: n }, (_, i) =>
      i % 2 === 0 ? log.appendTransaction(tx(i)) : log.appendEvent('tick', { i })
    )
    const indexes = await Promise.all(writes)
    assert.deepEqual(
      indexes.filter((_, i) => i % 2 === 0),
      Array.from({ length: n / 2 }, (_, k) => k),
      'transactions land in call order'
    )
    assert.deepEqual(
      indexes.filter((_, i) => i % 2 === 1),
      Array.from({ length: n / 2 }, (_, k) => k),
      'events land in call order'
    )
    assert.deepEqual(
      log.allTransactions().map((t) => t.tokens),
      Array.from({ length: n / 2 }, (_, k) => 2 * k)
    )
    await log.close()
    const reopened = await dir.open()
    assert.equal(reopened.allTransactions().length, n / 2)
    assert.deepEqual(
      (await reopened.events()).entries.map((e) => e.i),
      Array.from({ length: n / 2 }, (_, k) => 2 * k + 1)
    )
  })

  it('close waits for queued appends, refuses new ones, and is idempotent', async () => {
    const log = await dir.open()
    const writes = Array.from({ length: 100 }, (_, i) => log.appendTransaction(tx(i)))
    const closed = log.close()
    assert.equal(log.close(), closed, 'a second close returns the same promise')
    await assert.rejects(
      log.appendEvent('late'),
      (err: Error) => err.message.includes(join(dir.path, 'storage')) && /closed; entry not written/.test(err.message)
    )
    await closed
    assert.equal((await Promise.all(writes)).length, 100, 'every append queued before close resolved')
    await log.close()
    await assert.rejects(log.events(), /is closed/)

    const reopened = await dir.open()
    assert.equal(reopened.allTransactions().length, 100, 'all 100 were on disk when close resolved')
  })

  it('writes masked identifiers and never secrets to disk', async () => {
    const publicKey = '02' + '9a'.repeat(32)
    const remotePeer = '03' + '7c'.repeat(32)
    const log = await dir.open({ shouldMask: ['publicKey', 'remotePeer'] })
    await log.appendEvent('peer', {
      note: 'VISIBLE-MARKER-1',
      publicKey,
      macaroon: 'SECRET-MACAROON-1',
      nested: { privateKey: 'SECRET-PRIVKEY-1', remotePeer },
      list: [{ preimage: 'SECRET-PREIMAGE-1' }]
    })
    await log.appendTransaction(tx(1, { detail: 'VISIBLE-MARKER-2', secret: 'SECRET-TX-1' }))

    const [event] = (await log.events()).entries
    assert.equal(event?.publicKey, '029a9a…9a9a')
    assert.deepEqual(event?.nested, { privateKey: '[redacted]', remotePeer: '037c7c…7c7c' })
    assert.equal(event?.macaroon, '[redacted]')
    assert.equal((log.allTransactions()[0] as unknown as Record<string, unknown>).secret, '[redacted]')
    await log.close()

    const raw = await rawBytes(dir.path)
    // The visible markers prove the raw scan can see entry text (were the files compressed, the
    // absence checks below would pass for the wrong reason).
    assert.ok(raw.includes('VISIBLE-MARKER-1') && raw.includes('VISIBLE-MARKER-2'), 'entries are readable on disk')
    assert.ok(
      raw.includes('029a9a…9a9a'.replace('…', Buffer.from('…').toString('latin1'))),
      'the masked form is on disk'
    )
    for (const forbidden of [
      publicKey,
      remotePeer,
      'SECRET-MACAROON-1',
      'SECRET-PRIVKEY-1',
      'SECRET-PREIMAGE-1',
      'SECRET-TX-1'
    ]) {
      assert.ok(!raw.includes(forbidden), `${forbidden} is not on disk`)
    }
  })

  it('never masks the transaction fields limits are computed from, so limits match after a restart', async () => {
    const log = await dir.open({
      shouldMask: ['localPublicKey', 'paymentHash', 'channelId', 'remotePublicKey', 'type']
    })
    const record = tx(1)
    await log.appendTransaction(record)
    await log.appendEvent('decision', { channelId: '1x1x0' })
    const [stored] = log.allTransactions()
    assert.equal(stored?.localPublicKey, record.localPublicKey)
    assert.equal(stored?.paymentHash, record.paymentHash)
    assert.equal(stored?.channelId, record.channelId)
    assert.equal(stored?.remotePublicKey, '03bbbb…bbbb', 'other configured fields are still masked')
    assert.equal((await log.events({ type: 'decision' })).total, 1, 'the event type stays filterable')
    await log.close()
    const reopened = await dir.open({ shouldMask: ['localPublicKey'] })
    assert.deepEqual(reopened.allTransactions(), [stored])
  })

  it('rejects a failed append with an error naming the path, and keeps going afterwards', async () => {
    const log = await dir.open()
    // Hypercore refuses blocks over 15 MiB: a real write failure, without mocking anything.
    const huge = 'x'.repeat(16 * 1024 * 1024)
    await assert.rejects(
      log.appendTransaction(tx(1, { detail: huge })),
      (err: Error) =>
        err.message.includes(join(dir.path, 'storage')) &&
        /transaction-log\): append failed, entry not written/.test(err.message) &&
        /block size/.test(err.message)
    )
    assert.equal(log.allTransactions().length, 0, 'a failed append is not in the in-memory ledger')
    assert.equal(await log.appendTransaction(tx(2)), 0, 'the next append still works and takes the free index')
    await assert.rejects(log.appendEvent('big', { huge }), /event-log\): append failed/)
  })
})
