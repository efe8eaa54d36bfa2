import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import Hyperswarm, { type SwarmConnection } from 'hyperswarm'
import HyperDHT from 'hyperdht'
import { DhtBootstrap } from '../../src/sim/dht-bootstrap.js'
import { StatementBook } from '../../src/accounts/statements.js'
import type { StatementEntry } from '../../src/accounts/types.js'
import { eventually } from '../helpers/sim.js'
import { tempDir } from '../helpers/daemon.js'

const ALICE = 'a'.repeat(64)
const BOB = 'b'.repeat(64)
const entry = (n: number, over: Partial<StatementEntry> = {}): StatementEntry => ({
  paymentHash: n.toString(16).padStart(64, '0'),
  channelId: '512x2x0',
  tokens: 1000 * n,
  direction: 'paid',
  at: 1_700_000_000_000 + n,
  outcome: 'succeeded',
  ...over
})

/**
 * Statements replicated over a real Hyperswarm connection on a local DHT, between two books in
 * temp dirs: what the reader keeps, and the bounds it holds a writer to.
 */
describe('statements: replication and its bounds', () => {
  let dht: DhtBootstrap
  const cleanup: Array<() => Promise<unknown>> = []
  let conns: [SwarmConnection, SwarmConnection]

  before(async () => {
    dht = await DhtBootstrap.start()
    const swarms = [0, 1].map(
      () =>
        new Hyperswarm({
          dht: new HyperDHT({ bootstrap: [dht.address], host: '127.0.0.1', firewalled: false, ephemeral: true })
        })
    )
    cleanup.push(async () => {
      for (const s of swarms) await s.destroy()
    })
    const got = swarms.map(
      (s) =>
        new Promise<SwarmConnection>((resolve) =>
          s.once('connection', (c: SwarmConnection) => {
            c.on('error', () => {})
            resolve(c)
          })
        )
    )
    const topic = Buffer.alloc(32, 9)
    await swarms[0]?.join(topic, { server: true, client: false }).flushed()
    await swarms[1]?.join(topic, { server: false, client: true }).flushed()
    conns = (await Promise.all(got)) as [SwarmConnection, SwarmConnection]
  })
  after(async () => {
    for (const c of cleanup.reverse()) await c()
    await dht?.stop()
  })

  const book = async (limits?: { entries: number; bytes: number }): Promise<StatementBook> => {
    const dir = await tempDir('tightrope-statements-')
    const b = await StatementBook.open(join(dir.path, 'statements'), limits)
    cleanup.push(async () => {
      await b.close()
      await dir.remove()
    })
    return b
  }

  it('the reader gets every entry, verified, and later ones as they are appended; a second key is reported, not followed', async () => {
    const alice = await book()
    const bob = await book()
    await alice.record(BOB, [entry(1), entry(2)])
    const key = await alice.share(BOB, conns[0])
    await bob.follow(ALICE, key, conns[1])
    await eventually(() => (bob.statement(ALICE).length === 2 ? true : undefined), 10_000, 'the two entries')
    await alice.record(BOB, [entry(1), entry(2), entry(3)])
    await eventually(
      async () => {
        await bob.sync(ALICE)
        return bob.statement(ALICE).length === 3 ? true : undefined
      },
      10_000,
      'the appended entry'
    )
    assert.deepEqual(bob.statement(ALICE).entries, [entry(1), entry(2), entry(3)], 'recorded once each, in order')
    assert.deepEqual(bob.statement(ALICE).problems, [])
    assert.ok(bob.statement(ALICE).syncedAt !== undefined, 'synced from a serving peer')

    const other = await book()
    await other.record(BOB, [entry(9)])
    await bob.follow(ALICE, await other.share(BOB, conns[0]), conns[1])
    assert.deepEqual(
      bob.statement(ALICE).problems.map((p) => p.kind),
      ['rewritten']
    )
    assert.equal(bob.statement(ALICE).length, 3, 'the first statement is still the one read')
    // A new key on every connection (a member can send one each time): still one report, unchanged.
    const reported = bob.statement(ALICE).problems
    for (let i = 0; i < 3; i++) {
      const another = await book()
      await another.record(BOB, [entry(20 + i)])
      await bob.follow(ALICE, await another.share(BOB, conns[0]), conns[1])
    }
    assert.deepEqual(
      bob.statement(ALICE).problems,
      reported,
      'one rewritten report per counterparty, whatever the keys'
    )
  })

  it('a block that is not JSON is read and flagged invalid once, not taken for a block not there yet', async () => {
    const alice = await book()
    const bob = await book()
    await alice.record(BOB, [entry(1)])
    const { core } = await alice.ourCore(BOB)
    // The same core written raw: a block no JSON parser accepts.
    const raw = (
      core as unknown as { session(o: object): { append(b: Buffer): Promise<unknown>; close(): Promise<void> } }
    ).session({
      valueEncoding: 'binary'
    })
    await raw.append(Buffer.from('{"paymentHash": not json'))
    await raw.close()
    await alice.record(BOB, [entry(1), entry(2)])
    await bob.follow(ALICE, await alice.share(BOB, conns[0]), conns[1])
    await eventually(
      async () => {
        await bob.sync(ALICE)
        return bob.statement(ALICE).problems.length > 0 ? true : undefined
      },
      10_000,
      'the non-JSON block flagged'
    )
    for (let i = 0; i < 3; i++) await bob.sync(ALICE)
    assert.deepEqual(bob.statement(ALICE).problems, [
      { kind: 'invalid', detail: 'entry 1 of their statement is not a statement entry' }
    ])
    assert.deepEqual(bob.statement(ALICE).entries, [entry(1)], 'read up to the bad block, not past it')
  })

  it('a writer that truncates its statement (to rewrite history) is flagged', async () => {
    const alice = await book()
    const bob = await book()
    await alice.record(BOB, [entry(1), entry(2), entry(3)])
    await bob.follow(ALICE, await alice.share(BOB, conns[0]), conns[1])
    await eventually(() => (bob.statement(ALICE).length === 3 ? true : undefined), 10_000, 'the three entries')
    const { core } = await alice.ourCore(BOB)
    await (core as unknown as { truncate(length: number): Promise<void> }).truncate(1)
    await core.append(entry(7))
    await eventually(
      async () => {
        await bob.sync(ALICE)
        return bob.statement(ALICE).problems.length > 0 ? true : undefined
      },
      10_000,
      'the truncation noticed'
    )
    assert.deepEqual(
      bob.statement(ALICE).problems.map((p) => p.kind),
      ['rewritten']
    )
  })

  it('a statement longer than the reader reads is refused before its blocks; a malformed entry stops the reading', async () => {
    const alice = await book()
    const bob = await book({ entries: 3, bytes: 1_000_000 })
    await alice.record(BOB, [entry(1), entry(2), entry(3), entry(4)])
    await bob.follow(ALICE, await alice.share(BOB, conns[0]), conns[1])
    await eventually(
      async () => {
        await bob.sync(ALICE)
        return bob.statement(ALICE).problems.length > 0 ? true : undefined
      },
      10_000,
      'the refusal'
    )
    assert.deepEqual(
      bob.statement(ALICE).problems.map((p) => p.kind),
      ['invalid']
    )
    assert.equal(bob.statement(ALICE).length, 0, 'no block read')

    const carol = await book()
    const dave = await book()
    await carol.record(BOB, [entry(1), { ...entry(2), tokens: -5 }, entry(3)])
    await dave.follow(ALICE, await carol.share(BOB, conns[0]), conns[1])
    await eventually(
      async () => {
        await dave.sync(ALICE)
        return dave.statement(ALICE).problems.length > 0 ? true : undefined
      },
      10_000,
      'the malformed entry'
    )
    assert.deepEqual(
      dave.statement(ALICE).problems.map((p) => p.kind),
      ['invalid']
    )
    assert.equal(dave.statement(ALICE).length, 1, 'read up to the malformed entry')
  })
})
