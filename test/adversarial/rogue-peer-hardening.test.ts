import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { SimCluster } from '../../src/sim/cluster.js'
import { instanceConfig } from '../helpers/config.js'
import { startInstance, type Instance } from '../../src/app/instance.js'
import { swarmHost } from '../../src/app/swarm-host.js'
import { LndNode } from '../../src/lightning/lnd-node.js'
import { decodeWith } from '../../src/swarm/envelope.js'
import { hello as helloCodec } from '../../src/swarm/messages.js'
import { eventually, mixedScenario, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js'
import { ClusterSwarm, MAX_UNAUTHENTICATED } from '../../src/swarm/cluster-swarm.js'

type PeerConnectionView = { remoteKey: string; provenNodes: ReadonlyMap<string, string> }
import { RoguePeer, type Claim } from '../helpers/rogue-peer.js'
import { DEFAULT_SESSION_LIMITS } from '../../src/swarm/session-rate.js'
import HyperDHT from 'hyperdht'

const SECRET = 'hardening-secret-known-to-members'

/**
 * The peer protocol's costs, measured on ground truth: LND calls Alice's nodes served (the
 * simulator's GET /stats), Alice's ledger (event and transaction log lengths), the bytes an
 * attacker received, the connections Alice holds. Alice (A, B) polls only every 10 minutes here,
 * so any LND call during an attack is caused by the attack.
 */
for (const payer of ['lnd', 'cln'] as const) {
  /**
   * With B on Core Lightning (scenarios/mixed.json, same channels) only the cases where B pays run
   * again: the others measure the swarm layer's costs (what a stranger or a member's claims cost,
   * sessions, aliases), the same code whatever node pays, and their exact call counts cannot hold
   * there: a CLN node's own channel poll (listpeerchannels every 10 s) is a call no peer caused.
   */
  // A new options object for each case: with one object shared by several cases, the LND run
  // failed its event-count checks (cases 3 and 5 silent) in 3 runs of 3, on Node 20; not understood.
  const swarmCosts = (): { skip: string | false } => ({
    skip: payer === 'cln' && 'swarm-layer costs, no payer: measured with LND nodes only'
  })

  describe(`peer protocol hardening: what strangers and members can make Alice spend (B on ${payer})`, () => {
    let cluster: SimCluster
    let alice: Instance
    let x: LndNode
    let d: LndNode
    const rogues: RoguePeer[] = []
    const dirs: Array<{ remove: () => Promise<void> }> = []

    /** LND calls Alice's nodes (A, B) served, for one method or all. */
    const calls = async (method?: string): Promise<number> => {
      const stats = (await (await fetch(`${cluster.controlUrl}/stats`)).json()) as Record<
        string,
        Record<string, number>
      >
      return ['A', 'B'].reduce(
        (n, alias) =>
          n +
          Object.entries(stats[alias] ?? {})
            .filter(([path]) => !method || path.endsWith(`/${method}`))
            .reduce((m, [, v]) => m + v, 0),
        0
      )
    }
    /**
     * The call count once Alice is quiet: unchanged over a second (re-evaluations caused by an
     * earlier test's peer leaving may still be under way). Bounded wait, then the count.
     */
    const quietCalls = async (method?: string): Promise<number> => {
      let last = await calls(method)
      let since = Date.now()
      return eventually(
        async () => {
          const now = await calls(method)
          if (now !== last) {
            last = now
            since = Date.now()
          }
          return Date.now() - since >= 1000 ? now : undefined
        },
        15_000,
        'Alice quiet'
      )
    }
    /** Alice's event-log length without our markers, once every event emitted before this call is stored (appends are serial). */
    let markers = 0
    const settledEvents = async (): Promise<number> => {
      const marker = `marker-${randomBytes(4).toString('hex')}`
      void alice.daemon.ledger.appendEvent('test_marker', { marker }) // a marker, not a daemon event: straight to the event log
      markers++
      const page = async (type?: string): Promise<{ total: number; entries: Array<{ marker?: string }> }> =>
        (await fetch(`${alice.api?.url}/api/events?limit=1000${type ? `&type=${type}` : ''}`)).json() as Promise<{
          total: number
          entries: Array<{ marker?: string }>
        }>
      await eventually(
        async () => ((await page('test_marker')).entries.some((e) => e.marker === marker) ? true : undefined),
        10_000,
        'the marker stored'
      )
      return (await page()).total - markers
    }
    /**
     * The events stored since `since` (ms) once every event emitted before this call is stored. For
     * tests that count only what they caused: an earlier test's aggregated entry (one a window) may
     * be flushed at any moment.
     */
    const settledEventsSince = async (since: number): Promise<Array<{ type: string; peer?: string }>> => {
      await settledEvents()
      const res = await fetch(`${alice.api?.url}/api/events?limit=1000&since=${since}`)
      const { entries } = (await res.json()) as { entries: Array<{ type: string; peer?: string }> }
      return entries.filter((e) => e.type !== 'test_marker')
    }
    const metric = async (name: string, label: string): Promise<number> => {
      const text = await (await fetch(`${alice.api?.url}/metrics`)).text()
      const line = text.split('\n').find((l) => l.startsWith(`${name}{${label}}`))
      return line ? Number(line.split(' ').pop()) : 0
    }
    const claimOf = (node: LndNode, alias: string): Claim => ({
      publicKey: node.identity.publicKey,
      alias,
      sign: (m) => node.signMessage(m)
    })
    const connect = async (o: Partial<Parameters<typeof RoguePeer.connect>[0]> = {}): Promise<RoguePeer> => {
      const r = await RoguePeer.connect({
        bootstrap: cluster.bootstrap,
        secret: SECRET,
        target: alice.swarm?.publicKey as string,
        claims: [claimOf(x, 'X')],
        ...o
      })
      rogues.push(r)
      return r
    }
    const proving = (node: string): number =>
      [...(alice.swarm?.peers ?? [])].filter((p) => !p.closed && p.provenNodes.has(node)).length
    const bx = (): string => cluster.channelBetween('B', 'X')?.id as string

    before(async () => {
      cluster = await SimCluster.start({ scenario: payer === 'cln' ? mixedScenario() : readmeScenario(), dht: true })
      assert.equal(cluster.nodeConnection('B').implementation, payer)
      const a = await tempDir()
      dirs.push(a)
      alice = await startInstance(
        instanceConfig(cluster, ['A', 'B'], a.path, {
          secret: SECRET,
          settings: { refreshRate: 600, maxTransactionsPerPeriod: 50 }
        }),
        { log: () => {} }
      )
      x = await LndNode.connect(cluster.connection('X'))
      d = await LndNode.connect(cluster.connection('D'))
      // Alice's first look at her channels: B-X is one, so X is her channel partner.
      await eventually(
        () => (alice.daemon.rebalancer.sides.size > 0 ? true : undefined),
        10_000,
        'Alice watching her channels'
      )
    })
    after(async () => {
      for (const r of rogues) await r.destroy().catch(() => {})
      await x?.stop()
      await d?.stop()
      await alice?.stop()
      await cluster?.stop()
      for (const dir of dirs) await dir.remove()
    })

    it(
      '4. a stranger learns nothing and costs no LND call: no node key in any ' +
        'byte it receives, no SignMessage/VerifyMessage/ListChannels',
      swarmCosts(),
      async () => {
        const before = await quietCalls()
        const dropped = await metric('tightrope_unauthenticated_connections_closed_total', 'reason="badProof"')
        const stranger = await connect({ secret: 'not the secret' })
        await eventually(() => (stranger.closed ? true : undefined), 10_000, 'Alice hanging up on the stranger')
        await eventually(
          async () =>
            (await metric('tightrope_unauthenticated_connections_closed_total', 'reason="badProof"')) > dropped
              ? true
              : undefined,
          5000,
          'the stranger counted'
        )
        const received = Buffer.concat(stranger.received)
        for (const alias of ['A', 'B']) {
          const pub = cluster.connection(alias).publicKey
          assert.ok(
            !received.includes(Buffer.from(pub, 'utf8')) && !received.includes(Buffer.from(pub, 'hex')),
            `node ${alias}'s key never reaches a stranger`
          )
        }
        const theirHello = decodeWith(helloCodec, stranger.theirHello as Uint8Array)
        assert.deepEqual(
          [theirHello.version, theirHello.agent, theirHello.nodes.length],
          [3, '', 0],
          'the hello is the proof alone'
        )
        assert.equal(await calls(), before, 'no LND call of any kind for a stranger')
        // A member who proves the secret does receive the claims (so the check above means something).
        const member = await connect()
        const pubA = cluster.connection('A').publicKey
        await eventually(
          () => (Buffer.concat(member.received).includes(Buffer.from(pubA, 'utf8')) ? true : undefined),
          10_000,
          'the member receiving our claims'
        )
        await member.destroy()
      }
    )

    it('a version-2 peer is told the version and hung up on at once (no hang), at no cost', swarmCosts(), async () => {
      const before = await quietCalls()
      const versions = await metric('tightrope_unauthenticated_connections_closed_total', 'reason="version"')
      const old = await connect({ version: 2 })
      await eventually(() => (old.closed ? true : undefined), 5000, 'Alice hanging up on the old peer')
      assert.equal(
        decodeWith(helloCodec, old.theirHello as Uint8Array).version,
        3,
        'it read our version (a v2 peer logs "unsupported protocol version 3")'
      )
      assert.equal(await metric('tightrope_unauthenticated_connections_closed_total', 'reason="version"'), versions + 1)
      assert.equal(await calls(), before)
    })

    it(
      '6. node claims cost nothing unless they matter: 64 claims cost one VerifyMessage (the ' +
        'channel partner), a real but unrelated node is not proven, a repeat costs nothing',
      swarmCosts(),
      async () => {
        const verifies = await quietCalls('VerifyMessage')
        const junk: Claim[] = Array.from({ length: 62 }, (_, i) => ({
          publicKey: `02${randomBytes(32).toString('hex')}`,
          alias: `junk${i}`,
          sign: async () => 'd'.repeat(104)
        }))
        // D signs for itself (a self-proven key), but it has no channel with Alice: not worth an RPC.
        const claims = [claimOf(x, 'X'), claimOf(d, 'D'), ...junk]
        const member = await connect({ claims })
        await eventually(
          () =>
            [...(alice.swarm?.peers ?? [])].some(
              (p) => p.provenNodes.has(x.identity.publicKey) && p.remoteKey === member.conn?.publicKey.toString('hex')
            )
              ? true
              : undefined,
          10_000,
          'X proven'
        )
        assert.equal((await calls('VerifyMessage')) - verifies, 1, "one VerifyMessage: X, Alice's partner on B-X")
        const peer = [...(alice.swarm?.peers ?? [])].find((p) => p.remoteKey === member.conn?.publicKey.toString('hex'))
        assert.deepEqual([...(peer?.provenNodes.keys() ?? [])], [x.identity.publicKey], 'only X is attributed')
        // The same claims again on this session: X is settled, the others still do not matter.
        await member.announce(claims)
        const r = await member.payInvoice({ channelId: bx(), invoice: 'lnbcrt1garbage', tokens: 1 }) // answered after the announcement
        assert.equal(r.reason, 'invalidInvoice')
        assert.equal((await calls('VerifyMessage')) - verifies, 1, 'no second VerifyMessage in this session')
        await member.destroy()
      }
    )

    it(
      '1. a member reconnecting in a loop: sessions beyond the rate are closed before ' +
        'any RPC or ledger write; refused claims are one event a window',
      swarmCosts(),
      async () => {
        const signs = await quietCalls('SignMessage')
        const verifies = await calls('VerifyMessage')
        const events = await settledEvents()
        const keyPair = HyperDHT.keyPair(randomBytes(32))
        const key = keyPair.publicKey.toString('hex')
        const a = cluster.connection('A')
        // X is Alice's partner (one VerifyMessage a session); A is Alice's own node (a refused claim).
        const claims = [claimOf(x, 'X'), { publicKey: a.publicKey, alias: 'A', sign: async () => 'd'.repeat(104) }]
        const started = Date.now()
        let admitted = 0
        const N = 15
        for (let i = 0; i < N; i++) {
          const r = await connect({ keyPair, claims }).catch(() => undefined)
          if (r) {
            // Settled either way: closed at once (over the rate), or Alice's nodes received and X proven.
            const served = await eventually(
              () =>
                r.closed
                  ? 'closed'
                  : r.nodes.length > 0 &&
                      [...(alice.swarm?.peers ?? [])].some(
                        (p) => p.remoteKey === key && !p.closed && p.provenNodes.has(x.identity.publicKey)
                      )
                    ? 'served'
                    : undefined,
              15_000,
              `session ${i} settled`
            )
            if (served === 'served') admitted++
            await r.destroy()
          }
        }
        const { burst, perMinute } = DEFAULT_SESSION_LIMITS.perKey
        const bound = burst + Math.ceil(((Date.now() - started) * perMinute) / 60_000)
        assert.ok(admitted >= 1 && admitted <= bound, `${admitted} sessions served, at most ${bound}`)
        assert.ok(admitted < N, 'some sessions refused')
        assert.ok(
          (await quietCalls('SignMessage')) - signs <= 2 * bound,
          'SignMessage: A and B once per admitted session'
        )
        assert.ok((await calls('VerifyMessage')) - verifies <= bound, 'VerifyMessage: X once per admitted session')
        // Per admitted session: peer_authenticated, peer_disconnected, maybe a peer_dropped (a third
        // connection proving X); plus the aggregated events (refused claims, closed sessions).
        await eventually(
          () => ([...(alice.swarm?.peers ?? [])].some((p) => p.remoteKey === key) ? undefined : true),
          15_000,
          'every session gone'
        )
        assert.ok((await settledEvents()) - events <= 3 * bound + 4, 'the event log grows per admitted session only')
        const page = (await (
          await fetch(`${alice.api?.url}/api/events?limit=1000&type=node_claim_refused`)
        ).json()) as {
          entries: Array<{ peer: string; counts: Record<string, number>; nodes: string[] }>
        }
        const mine = page.entries.filter((e) => key.startsWith(e.peer))
        assert.ok(mine.length >= 1 && mine.length <= 2, `refused claims aggregated: ${mine.length} events`)
        assert.deepEqual(Object.keys(mine[0]?.counts ?? {}), ['ourNode'])
        assert.deepEqual(mine[0]?.nodes, [a.publicKey])
        assert.ok(
          (await metric('tightrope_unauthenticated_connections_closed_total', 'reason="sessionRate"')) >= N - bound
        )
      }
    )

    it(
      '3. a member that lists a node, leaves it out, then lists it again: not asked ' +
        'while left out; back with no new VerifyMessage and no audit entry',
      swarmCosts(),
      async () => {
        const member = await connect()
        const mine = (): PeerConnectionView | undefined =>
          [...(alice.swarm?.peers ?? [])].find((p) => p.remoteKey === member.conn?.publicKey.toString('hex'))
        const xPub = x.identity.publicKey
        await eventually(() => (mine()?.provenNodes.has(xPub) ? true : undefined), 10_000, 'X proven')
        const verifies = await quietCalls('VerifyMessage')
        await settledEvents()
        const since = Date.now()
        const key = member.conn?.publicKey.toString('hex')
        for (let i = 0; i < 5; i++) {
          await member.announce([])
          await eventually(() => (mine()?.provenNodes.has(xPub) ? undefined : true), 10_000, 'X left out')
          await member.announce([claimOf(x, 'X')]) // the same session, the same (deterministic) signature
          await eventually(() => (mine()?.provenNodes.has(xPub) ? true : undefined), 10_000, 'X listed again')
        }
        assert.equal((await calls('VerifyMessage')) - verifies, 0, 'no VerifyMessage for a node listed again')
        assert.deepEqual(
          (await settledEventsSince(since)).filter((e) => e.peer === key),
          [],
          'no audit entry for leaving out or listing again'
        )
        await member.announce([])
        await eventually(() => (mine()?.provenNodes.has(xPub) ? undefined : true), 10_000, 'X left out')
        const invoice = await x.createInvoice({ tokens: 1000, description: 'left out', expirySeconds: 600 })
        const r = await member.payInvoice({ channelId: bx(), invoice: invoice.request, tokens: 1000 })
        assert.equal(r.reason, 'unprovenNode', 'a node left out is not asked for')
        await member.destroy()
      }
    )

    it(
      "5. a member's alias with line and paragraph separators or bidi controls reaches Alice's view defused",
      swarmCosts(),
      async () => {
        const member = await connect({ claims: [claimOf(x, 'X\u2028Y\u2029Z\u202eW\u0085V')] })
        const alias = await eventually(
          () =>
            [...(alice.swarm?.peers ?? [])]
              .find((p) => p.remoteKey === member.conn?.publicKey.toString('hex'))
              ?.provenNodes.get(x.identity.publicKey),
          10_000,
          'X proven'
        )
        assert.equal(alias, 'X?Y?Z?W?V')
        await member.destroy()
      }
    )

    it(
      'reliability 3: a request sent right behind the claims, while VerifyMessage is ' +
        'slow, waits for the proof and is paid; the peer is not counted bad',
      async () => {
        await push(cluster, 'X', 'B', 1_000_000) // B is rich on B-X: paying X is allowed
        for (const node of ['A', 'B']) {
          const res = await fetch(`${cluster.controlUrl}/faults`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            // Whichever of Alice's nodes checks the proof: LND's VerifyMessage, CLN's checkmessage.
            body: JSON.stringify({
              type: 'latency',
              node,
              ms: 1500,
              method: cluster.nodeConnection(node).implementation === 'cln' ? 'checkmessage' : 'VerifyMessage'
            })
          })
          assert.equal(res.status, 200)
        }
        const dropped: string[] = []
        const onEvent = (e: { type: string; reason?: string }): void => {
          if (e.type === 'message_dropped' || e.type === 'peer_dropped') dropped.push(`${e.type}: ${e.reason}`)
        }
        alice.daemon.events.on('event', onEvent)
        try {
          const invoice = (await x.createInvoice({ tokens: 50_000, description: 'early', expirySeconds: 600 })).request
          const paidBefore = cluster.network.paymentLog.filter(
            (p) => p.status === 'SUCCEEDED' && p.from === 'B' && p.to === 'X'
          ).length
          const early = await connect({ early: { channelId: bx(), invoice, tokens: 50_000 } })
          await eventually(() => early.earlyRequestId, 10_000, 'the early request sent')
          const result = await early.waitResult(early.earlyRequestId as number, 20_000)
          assert.equal(result.status, 'paid', `${result.reason} ${result.detail}`)
          assert.equal(
            cluster.network.paymentLog.filter((p) => p.status === 'SUCCEEDED' && p.from === 'B' && p.to === 'X').length,
            paidBefore + 1,
            'paid once, over B-X'
          )
          assert.deepEqual(dropped, [], 'nothing dropped, nobody cut off')
          assert.equal(early.closed, false)
          await early.destroy()
        } finally {
          alice.daemon.events.off('event', onEvent)
          await fetch(`${cluster.controlUrl}/faults`, { method: 'DELETE' })
        }
      }
    )

    it(
      "7. 8 connections x 24 requests for one node: bounded by the node's budget, " +
        'not per connection; refusals cost no RPC and no ledger entry',
      async () => {
        const invoices = await Promise.all(
          Array.from(
            { length: 24 },
            async () => (await x.createInvoice({ tokens: 1_000, description: 'flood', expirySeconds: 600 })).request
          )
        )
        const flood = await Promise.all(Array.from({ length: 8 }, async () => connect()))
        await eventually(() => (proving(x.identity.publicKey) > 0 ? true : undefined), 10_000, 'X proven')
        const events = await settledEvents()
        const transactions = alice.daemon.ledger.allTransactions().length
        const lnd = await calls()
        const ids = flood.map((r) =>
          invoices.map((invoice) =>
            r.closed ? undefined : r.sendPayInvoice({ channelId: bx(), invoice, tokens: 1_000 })
          )
        )
        // Every request on a connection still open is answered; connections beyond the per-node cap are closed.
        await eventually(
          () =>
            flood.every(
              (r, i) =>
                r.closed || (ids[i] ?? []).every((id) => id === undefined || r.results.some((x) => x.requestId === id))
            )
              ? true
              : undefined,
          30_000,
          'every request answered'
        )
        const answers = flood.flatMap((r) => r.results)
        const early = answers.filter((r) => ['busy', 'rate'].includes(r.reason)).length
        const ledgerEntries = alice.daemon.ledger.allTransactions().length - transactions
        assert.ok(answers.length >= 24, `requests answered: ${answers.length}`)
        assert.ok(
          answers.length - early <= 12,
          `at most the node's burst (12) reach the payer: ${answers.length - early}`
        )
        assert.ok(
          ledgerEntries <= 2 * (answers.length - early),
          `the ledger grows only for those (at most pending + outcome each): ${ledgerEntries}`
        )
        assert.ok(proving(x.identity.publicKey) <= 2, 'at most 2 connections per proven node held')
        const lndSpent = (await calls()) - lnd
        assert.ok(lndSpent <= 12 * 10, `LND calls bounded by the admitted requests: ${lndSpent}`)
        const eventsAdded = (await settledEvents()) - events
        assert.ok(
          eventsAdded <= 8 * 3 + 12 * 2,
          `event log grows per connection and per admitted request only: ${eventsAdded}`
        )
        assert.ok(
          (await metric('tightrope_peer_requests_refused_total', 'reason="busy"')) +
            (await metric('tightrope_peer_requests_refused_total', 'reason="rate"')) >=
            early,
          'counted in the metrics'
        )
        for (const r of flood) await r.destroy()
      }
    )

    it(
      '5. silent connections are bounded (at most 16 at once) and closed ' +
        'after 10 s; strangers write nothing to the ledger each',
      swarmCosts(),
      async () => {
        await settledEvents()
        const since = Date.now()
        const strangers = new Set<string>()
        let most = 0
        const sample = setInterval(() => {
          most = Math.max(most, alice.swarm?.unauthenticated ?? 0)
        }, 10)
        try {
          const silent = await Promise.all(
            Array.from({ length: MAX_UNAUTHENTICATED + 4 }, async () =>
              connect({ mode: 'silent' }).catch(() => undefined)
            )
          )
          const opened = silent.filter((r): r is RoguePeer => r !== undefined)
          for (const r of opened) if (r.conn) strangers.add(r.conn.publicKey.toString('hex'))
          assert.ok(opened.length >= MAX_UNAUTHENTICATED, `connections made: ${opened.length}`)
          await eventually(
            async () =>
              (await metric('tightrope_unauthenticated_connections_closed_total', 'reason="tooManyUnauthenticated"')) >
              0
                ? true
                : undefined,
            10_000,
            'connections beyond 16 refused'
          )
          await eventually(
            () => (opened.every((r) => r.closed) ? true : undefined),
            20_000,
            'every silent connection closed by Alice'
          )
          assert.ok((await metric('tightrope_unauthenticated_connections_closed_total', 'reason="authTimeout"')) > 0)
          for (const r of opened) await r.destroy()
          await eventually(() => (alice.swarm?.unauthenticated === 0 ? true : undefined), 10_000, 'none held')
        } finally {
          clearInterval(sample)
        }
        assert.ok(most <= MAX_UNAUTHENTICATED, `at most ${MAX_UNAUTHENTICATED} held at once (saw ${most})`)
        // What the strangers caused: entries about no member (an earlier test's member may still be
        // flushed, one aggregated entry a window) or about one of them.
        const caused = (await settledEventsSince(since)).filter((e) => e.peer === undefined || strangers.has(e.peer))
        assert.ok(
          caused.length <= 2,
          `strangers are aggregated: at most one event a minute (${JSON.stringify(caused)})`
        )
      }
    )

    it(
      '5b. a member connecting behind 16 silent strangers still gets in: the oldest stranger makes room',
      swarmCosts(),
      async () => {
        const silent: RoguePeer[] = []
        try {
          // One at a time, so "oldest" is well defined: the first one opened.
          for (let i = 0; i < MAX_UNAUTHENTICATED; i++) silent.push(await connect({ mode: 'silent' }))
          await eventually(
            () => (alice.swarm?.unauthenticated === MAX_UNAUTHENTICATED ? true : undefined),
            10_000,
            `${MAX_UNAUTHENTICATED} strangers held`
          )
          const member = await connect()
          await eventually(
            () => (member.nodes.length > 0 ? true : undefined),
            15_000,
            "the member received Alice's nodes"
          )
          assert.equal(member.closed, false, 'the member is in')
          assert.equal(silent[0]?.closed, true, 'the oldest stranger was closed to make room')
          assert.ok(
            (alice.swarm?.unauthenticated ?? 0) <= MAX_UNAUTHENTICATED,
            'still at most 16 unauthenticated connections'
          )
          await member.destroy()
        } finally {
          for (const r of silent) await r.destroy()
        }
      }
    )
  })
}

/**
 * Reliability: a payer that never answers must not hold the requester's channel side until its
 * invoice expires (an hour). After the request timeout (shortened here), the requester withdraws
 * its invoice (a late payment then fails) and the side is free again.
 */
describe('a request that gets no answer', () => {
  let cluster: SimCluster
  let alice: TestDaemon
  let swarm: ClusterSwarm
  let rogue: RoguePeer
  let x: LndNode
  let b: LndNode
  const dirs: Array<{ remove: () => Promise<void> }> = []

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: true, control: false })
    const storage = await tempDir()
    dirs.push(storage)
    alice = await startDaemon(cluster, ['A', 'B'], storage.path)
    swarm = await ClusterSwarm.start({
      secret: SECRET,
      bootstrap: cluster.bootstrap,
      keyFile: `${storage.path}/swarm-key`,
      host: swarmHost(alice.daemon),
      requestTimeoutMs: 2000
    })
    x = await LndNode.connect(cluster.connection('X'))
    b = await LndNode.connect(cluster.connection('B'))
  })
  after(async () => {
    await rogue?.destroy()
    await swarm?.stop()
    await alice?.daemon.stop()
    await x?.stop()
    await b?.stop()
    await cluster?.stop()
    for (const dir of dirs) await dir.remove()
  })

  it('times out, withdraws the invoice and frees the channel side', async () => {
    rogue = await RoguePeer.connect({
      bootstrap: cluster.bootstrap,
      secret: SECRET,
      target: swarm.publicKey,
      claims: [{ publicKey: x.identity.publicKey, alias: 'X', sign: (m) => x.signMessage(m) }]
    })
    await eventually(
      () => ([...swarm.peers].some((p) => p.provenNodes.has(x.identity.publicKey)) ? true : undefined),
      10_000,
      'X proven'
    )
    await push(cluster, 'B', 'X', 1_000_000)
    assert.ok(shareOf(cluster, 'B', 'X') < 0.4, "B is poor on B-X: it asks X's operator (the silent rogue)")
    const bx = cluster.channelBetween('B', 'X')?.id
    const lost = await eventually(
      () =>
        alice.daemon.ledger
          .allTransactions()
          .find((t) => t.role === 'requester' && t.channelId === bx && t.status !== 'requested'),
      15_000,
      'the unanswered request concluded'
    )
    assert.equal(lost.status, 'failed')
    assert.equal(lost.reason, 'noAnswer')
    assert.ok(rogue.results.length === 0 && !rogue.closed, 'the rogue never answered and is still connected')
    assert.equal(
      await b.getInvoiceState(lost.paymentHash as string),
      'canceled',
      'the invoice is withdrawn: a late payment fails'
    )
    assert.ok(shareOf(cluster, 'B', 'X') < 0.4, 'nothing moved')
  })
})
