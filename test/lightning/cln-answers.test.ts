import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash, randomBytes } from 'node:crypto'
import { ClnNode } from '../../src/lightning/cln/cln-node.js'
import { ClnAnswerError } from '../../src/lightning/cln/mappers.js'
import { ClnConnectionError, ClnRestClient } from '../../src/lightning/cln/rest-client.js'
import { encodeInvoice } from '../../src/sim/crypto/bolt11.js'
import { generateNodeKey } from '../../src/sim/crypto/keys.js'
import { eventually } from '../helpers/sim.js'

type Answer = (res: http.ServerResponse, body: Record<string, unknown>) => void

/**
 * What the CLN adapter does with answers a faithful simulator never gives: a clnrest (or a proxy in
 * front of it) that trickles its answer, answers something other than an object, writes u64 amounts
 * past JSON's precision, claims a payment complete without its preimage, or quotes the rune back.
 * A loopback HTTP server stands in for such a node (as a rogue peer stands in for a bad member):
 * each method's answer is set by the test. Nothing may hang, crash, show NaN, book an unproven
 * payment, or carry the rune into an error or event.
 */
describe('CLN adapter: answers of unexpected shape', () => {
  const rune = 'tLvqjG8Hk0bS0rune-secret-' + randomBytes(12).toString('base64url')
  const partner = generateNodeKey()
  const answers = new Map<string, Answer>()
  const json =
    (status: number, body: unknown): Answer =>
    (res) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(typeof body === 'string' ? body : JSON.stringify(body))
    }
  let server: http.Server
  let url: string
  let node: ClnNode | undefined
  const events: unknown[] = []

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const method = (req.url ?? '').replace('/v1/', '')
        const answer =
          answers.get(method) ?? json(404, { code: -32601, message: `Unknown command '${method}'`, data: null })
        answer(res, JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    answers.set('getinfo', json(201, { id: '02' + 'a'.repeat(64), alias: 'odd', network: 'regtest' }))
    node = await ClnNode.connect({ type: 'cln', url, rune })
    for (const name of ['rpc', 'status']) node.on(name, (e: unknown) => events.push(e))
  })
  after(async () => {
    await node?.stop()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  /** The partner's channel 1x2x3, as listpeerchannels {id} lists it: the one a payment may use. */
  const partnerChannel = (over: Record<string, unknown> = {}): Answer =>
    json(201, {
      channels: [
        {
          peer_id: partner.publicKey,
          peer_connected: true,
          state: 'CHANNELD_NORMAL',
          short_channel_id: '1x2x3',
          ...over
        }
      ]
    })

  const invoice = (hash: string): string =>
    encodeInvoice({
      privateKey: partner.privateKey,
      network: 'regtest',
      paymentHash: hash,
      paymentAddr: 'b'.repeat(64),
      mtokens: 5_000_000n,
      expirySeconds: 3600,
      cltvDelta: 40,
      createdAt: new Date()
    })

  it(
    'an answer that trickles in is cut at the call bound as a whole (not only when the socket idles)',
    { timeout: 30_000 },
    async () => {
      answers.set('listpeerchannels', (res) => {
        res.writeHead(201, { 'content-type': 'application/json' })
        res.write('{"channels":[')
        const drip = setInterval(() => res.write(' '), 50)
        res.on('close', () => clearInterval(drip))
      })
      const client = new ClnRestClient({ url, rune })
      try {
        await assert.rejects(client.call('listpeerchannels', {}, { timeoutMs: 500 }), (err: unknown) => {
          assert.ok(err instanceof ClnConnectionError)
          assert.equal(err.timedOut, true)
          return true
        })
      } finally {
        client.close()
      }
    }
  )

  it('a 201 whose body is not an object is not an answer', async () => {
    const client = new ClnRestClient({ url, rune })
    try {
      for (const body of ['null', '[]', '7', '"x"']) {
        answers.set('listinvoices', json(201, body))
        await assert.rejects(client.call('listinvoices', {}, { timeoutMs: 5000 }), /without a JSON object/, body)
      }
    } finally {
      client.close()
    }
  })

  it('channels with u64 amounts past JSON precision, msat strings or no list are refused, never 0 or NaN', async () => {
    const cln = node as ClnNode
    const entry =
      '{"peer_id":"03' +
      'b'.repeat(64) +
      '","peer_connected":true,"state":"CHANNELD_NORMAL",' +
      '"short_channel_id":"1x2x3","total_msat":1000000000,"our_reserve_msat":10000000,"their_reserve_msat":10000000,'
    answers.set('listpeerchannels', json(201, `{"channels":[${entry}"to_us_msat":18446744073709551615}]}`))
    await assert.rejects(
      cln.getChannels(),
      (err: unknown) => err instanceof ClnAnswerError && /to_us_msat/.test(String(err))
    )
    answers.set('listpeerchannels', json(201, `{"channels":[${entry}"to_us_msat":"12.5sat"}]}`))
    await assert.rejects(cln.getChannels(), ClnAnswerError)
    answers.set('listpeerchannels', json(201, { channels: { '1x2x3': {} } }))
    await assert.rejects(cln.getChannels(), ClnAnswerError)
    answers.set('listpeerchannels', json(201, `{"channels":[${entry}"to_us_msat":"600000000msat"}]}`))
    const [view] = await cln.getChannels()
    assert.deepEqual([view?.localBalance, view?.remoteBalance], [600_000, 400_000])
  })

  it('waitsendpay "complete" without the preimage that proves it: pending, not succeeded', async () => {
    const preimage = randomBytes(32)
    const hash = createHash('sha256').update(preimage).digest('hex')
    const record = { payment_hash: hash, groupid: 1, amount_msat: 5_000_000, amount_sent_msat: 5_000_000 }
    const sent: Array<Record<string, unknown>> = []
    answers.set('listpeerchannels', partnerChannel())
    answers.set('sendpay', (res, body) => {
      sent.push(body)
      json(201, { ...record, status: 'pending' })(res, body)
    })
    answers.set('waitsendpay', json(201, { ...record, status: 'complete' }))
    answers.set(
      'listsendpays',
      json(201, { payments: [{ ...record, status: 'complete', payment_preimage: 'ab'.repeat(32) }] })
    )
    const payment = { request: invoice(hash), channelId: '1x2x3', timeoutMs: 2000, cltvLimit: 144 }
    assert.deepEqual(await (node as ClnNode).payDirect(payment), { status: 'pending' })
    // What was asked of CLN: the invoice's amount over the one channel, to its payee, no more.
    assert.deepEqual(sent[0]?.route, [{ id: partner.publicKey, channel: '1x2x3', amount_msat: 5_000_000, delay: 43 }])
    assert.equal(sent[0]?.amount_msat, 5_000_000)
    // With the right preimage it is paid.
    answers.set(
      'listsendpays',
      json(201, { payments: [{ ...record, status: 'complete', payment_preimage: preimage.toString('hex') }] })
    )
    const paid = await (node as ClnNode).getPaymentState(hash)
    assert.equal(paid.status, 'succeeded')
  })

  it("the HTLC's lock is bounded by cltvLimit as LND bounds it: height + 1 + delay <= height + cltvLimit", async () => {
    const hash = createHash('sha256').update(randomBytes(32)).digest('hex')
    const sent: Array<Record<string, unknown>> = []
    answers.set('listpeerchannels', partnerChannel())
    answers.set('sendpay', (res, body) => {
      sent.push(body)
      json(500, { code: 204, message: 'No connection to first peer found', data: null })(res, body)
    })
    const pay = (cltvLimit: number) =>
      (node as ClnNode).payDirect({ request: invoice(hash), channelId: '1x2x3', timeoutMs: 2000, cltvLimit })
    // the invoice asks 40 blocks; with the 3-block margin the delay is 43: the HTLC would lock 44 blocks
    assert.deepEqual(await pay(43), { status: 'failed', reason: 'MaxTimeoutTooNearCurrentHeightToMakePayment' })
    assert.equal(sent.length, 0, 'nothing asked of CLN')
    assert.equal((await pay(44)).status, 'failed')
    assert.equal(sent.length, 1)
    assert.equal((sent[0]?.route as Array<{ delay: number }>)[0]?.delay, 43)
  })

  it('the pinned channel is checked before sendpay: absent, with another peer or inactive, nothing is sent', async () => {
    const hash = createHash('sha256').update(randomBytes(32)).digest('hex')
    let sendpays = 0
    answers.set('sendpay', (res, body) => {
      sendpays++
      json(500, { code: 204, message: 'No connection to first peer found', data: null })(res, body)
    })
    const pay = () =>
      (node as ClnNode).payDirect({ request: invoice(hash), channelId: '1x2x3', timeoutMs: 2000, cltvLimit: 144 })
    // CLN with deprecated APIs would take any channel with the peer for an scid it does not have
    for (const [answer, reason] of [
      [partnerChannel({ short_channel_id: '9x9x9' }), /^unknownChannel/],
      [partnerChannel({ peer_id: '03' + 'b'.repeat(64) }), /^notChannelPartner/],
      [partnerChannel({ state: 'CHANNELD_SHUTTING_DOWN' }), /^channelInactive/],
      [partnerChannel({ peer_connected: false }), /^channelInactive/],
      [json(201, { channels: 'none' }), /^channelUnavailable/]
    ] as Array<[Answer, RegExp]>) {
      answers.set('listpeerchannels', answer)
      const outcome = await pay()
      assert.equal(outcome.status, 'failed')
      assert.match((outcome as { reason: string }).reason, reason)
    }
    assert.equal(sendpays, 0, 'no sendpay over a channel that is not the pinned one')
    answers.set('listpeerchannels', partnerChannel())
    await pay()
    assert.equal(sendpays, 1)
  })

  it('an invoice or signature answer without its fields is refused: no undefined request, no NaN expiry', async () => {
    const cln = node as ClnNode
    const made = { bolt11: invoice('c'.repeat(64)), payment_hash: 'c'.repeat(64), expires_at: 1_900_000_000 }
    const args = { tokens: 5000, description: 'x', expirySeconds: 600 }
    for (const bad of [
      { ...made, expires_at: undefined },
      { ...made, expires_at: '1900000000' },
      { ...made, bolt11: null }
    ]) {
      answers.set('invoice', json(201, bad))
      await assert.rejects(cln.createInvoice(args), ClnAnswerError, JSON.stringify(bad))
    }
    answers.set('invoice', json(201, made))
    assert.deepEqual(await cln.createInvoice(args), {
      paymentHash: made.payment_hash,
      request: made.bolt11,
      expiresAt: 1_900_000_000_000
    })
    answers.set('signmessage', json(201, { signature: 'ab'.repeat(64), recid: '00' }))
    await assert.rejects(cln.signMessage('x'), ClnAnswerError)
  })

  it('a status listener that throws on the reconnect does not become an unhandled rejection', async () => {
    const cln = node as ClnNode
    const unhandled: unknown[] = []
    const onUnhandled = (err: unknown): void => void unhandled.push(err)
    process.on('unhandledRejection', onUnhandled)
    const thrower = (e: { connected: boolean }): void => {
      if (e.connected) throw new Error('listener bug')
    }
    cln.on('status', thrower)
    try {
      answers.set('signmessage', (res) => res.destroy()) // the connection is lost: reconnect
      await assert.rejects(cln.signMessage('x'), ClnConnectionError)
      await eventually(() => (cln.connected ? true : undefined), 10_000, 'the reconnect')
      // a turn of the event loop for a rejection to be reported
      await new Promise((resolve) => setImmediate(resolve))
      assert.deepEqual(unhandled, [])
    } finally {
      cln.off('status', thrower)
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('a listinvoices answer without its list is unknown, not canceled (it may still be paid)', async () => {
    const cln = node as ClnNode
    const hash = 'd'.repeat(64)
    for (const body of [{}, { invoices: { [hash]: { status: 'unpaid' } } }, { invoices: [null] }]) {
      answers.set('listinvoices', json(201, body))
      assert.equal(await cln.getInvoiceState(hash), 'unknown', JSON.stringify(body))
    }
    answers.set('listinvoices', json(201, { invoices: [] }))
    assert.equal(await cln.getInvoiceState(hash), 'canceled', 'deleted by us')
  })

  it('the rune quoted back in an error never reaches the error, the payment reason or an event', async () => {
    const hash = createHash('sha256').update(randomBytes(32)).digest('hex')
    answers.set('listpeerchannels', partnerChannel())
    answers.set('sendpay', json(401, { code: 1501, message: `Not authorized: rune ${rune} is not ours`, data: null }))
    answers.set('listsendpays', json(201, { payments: [] }))
    const outcome = await (node as ClnNode).payDirect({
      request: invoice(hash),
      channelId: '1x2x3',
      timeoutMs: 2000,
      cltvLimit: 144
    })
    assert.equal(outcome.status, 'failed', 'CLN refused it and has no record: never sent')
    const reason = (outcome as { reason: string }).reason
    assert.match(reason, /1501: Not authorized: rune \[redacted\] is not ours/)
    answers.set('signmessage', json(500, `{"code":null,"message":"proxy saw Rune: ${rune}","data":null}`))
    await assert.rejects((node as ClnNode).signMessage('x'), (err: unknown) => !String(err).includes(rune))
    answers.set('signmessage', (res) => res.destroy())
    await assert.rejects((node as ClnNode).signMessage('x'), (err: unknown) => !String(err).includes(rune))
    assert.ok(events.length > 0)
    assert.ok(!JSON.stringify(events).includes(rune), 'no rune in any rpc or status event')
  })
})
