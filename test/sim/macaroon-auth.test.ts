import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import * as grpc from '@grpc/grpc-js'
import { authenticatedLndGrpc, createInvoice, getChannels, getWalletInfo, pay } from 'lightning'
import { SimCluster } from '../../src/sim/cluster.js'
import { loadLndServices } from '../../src/sim/grpc/proto.js'
import { readmeScenario } from '../helpers/sim.js'

/** Calls GetInfo with a raw gRPC client so the metadata is exactly what the test says. */
async function rawGetInfo(
  cluster: SimCluster,
  alias: string,
  metadata: grpc.Metadata
): Promise<grpc.ServiceError | undefined> {
  const c = cluster.connection(alias)
  const Client = grpc.makeGenericClientConstructor(loadLndServices().lightning, 'Lightning')
  const client = new Client(c.socket, grpc.credentials.createSsl(Buffer.from(c.cert, 'base64')))
  try {
    return await new Promise((resolve) => {
      ;(client as any).GetInfo({}, metadata, (err: grpc.ServiceError | null) => resolve(err ?? undefined))
    })
  } finally {
    client.close()
  }
}

describe('macaroons are checked as LND checks them', () => {
  let cluster: SimCluster
  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
  })
  after(async () => {
    await cluster?.stop()
  })

  it('no macaroon: "expected 1 macaroon, got 0"', async () => {
    const err = await rawGetInfo(cluster, 'A', new grpc.Metadata())
    assert.equal(err?.code, grpc.status.UNKNOWN)
    assert.equal(err?.details, 'expected 1 macaroon, got 0')
  })

  it('garbage macaroon and a forged signature are refused', async () => {
    const garbage = new grpc.Metadata()
    garbage.set('macaroon', 'zz-not-hex')
    assert.match((await rawGetInfo(cluster, 'A', garbage))?.details ?? '', /hex/)

    const forged = Buffer.from(cluster.connection('A').macaroon, 'base64')
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1
    const md = new grpc.Metadata()
    md.set('macaroon', forged.toString('hex'))
    assert.equal(
      (await rawGetInfo(cluster, 'A', md))?.details,
      'verification failed: signature mismatch after caveat verification'
    )

    const ok = new grpc.Metadata()
    ok.set('macaroon', Buffer.from(cluster.connection('A').macaroon, 'base64').toString('hex'))
    assert.equal(await rawGetInfo(cluster, 'A', ok), undefined)
  })

  it('a least-privilege macaroon allows what it grants and nothing else', async () => {
    const a = cluster.connection('A')
    const readOnly = cluster.server('A').bakeMacaroon([
      { entity: 'info', action: 'read' },
      { entity: 'offchain', action: 'read' }
    ])
    const { lnd } = authenticatedLndGrpc({ cert: a.cert, macaroon: readOnly.toString('base64'), socket: a.socket })
    assert.equal((await getWalletInfo({ lnd })).alias, 'A')
    assert.equal((await getChannels({ lnd })).channels.length, 3)
    const b = cluster.connection('B')
    const invoice = await createInvoice({
      lnd: authenticatedLndGrpc({ cert: b.cert, macaroon: b.macaroon, socket: b.socket }).lnd,
      tokens: 10
    })
    await assert.rejects(pay({ lnd, request: invoice.request, max_fee: 0 }), (err: unknown) => {
      assert.equal((err as any)[2]?.err?.details, 'permission denied')
      return true
    })
    await assert.rejects(createInvoice({ lnd, tokens: 10 }))
  })
})
