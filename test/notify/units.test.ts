import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { classify } from '../../src/notify/classify.js'
import type { EventFields, EventType, TightropeEvent } from '../../src/core/events.js'
import { sentence } from '../../src/notify/sentence.js'
import { DeliveryQueue } from '../../src/notify/delivery-queue.js'
import { LostWatch } from '../../src/notify/lost-watch.js'
import { webhookSignature } from '../../src/notify/webhook.js'
import { Notifier } from '../../src/notify/notifier.js'
import { eventually } from '../helpers/sim.js'
import { targetLabels } from '../../src/config/notifications.js'
import { validateConfig } from '../../src/config/load.js'
import { CERT, MACAROON } from '../config/fixtures.js'

// Events with only the fields a case needs: classify reads every field defensively, so a missing
// one must not throw either (the cast is that shortcut, not a shape the daemon emits).
const ev = <K extends EventType>(type: K, fields: Partial<EventFields[K]> = {}): TightropeEvent =>
  ({ type, at: 1_700_000_000_000, ...fields }) as unknown as TightropeEvent

describe('notifications: which daemon events become which notification', () => {
  const table: Array<[TightropeEvent, string | undefined, string?]> = [
    [ev('started'), 'started'],
    [ev('stopped'), 'stopped'],
    [ev('rebalanced', { channelId: '1x1x0', tokens: 5, paymentHash: 'aa' }), 'rebalanced', 'aa'],
    [
      ev('payment_failed', { channelId: '1x1x0', reason: 'FAILURE_REASON_NO_ROUTE' }),
      'rebalance_failed',
      '1x1x0:FAILURE_REASON_NO_ROUTE'
    ],
    [
      ev('rebalance_not_done', { channelId: '1x1x0', status: 'expired', reason: 'invoiceExpired' }),
      'rebalance_failed',
      '1x1x0:invoiceExpired'
    ],
    [
      ev('rebalance_not_done', { channelId: '1x1x0', status: 'refused', reason: 'maxAmountPerPeriod' }),
      'payer_refused_limit',
      '1x1x0:maxAmountPerPeriod'
    ],
    [ev('rebalance_not_done', { channelId: '1x1x0', status: 'refused', reason: 'belowBalancePoint' }), undefined],
    [
      ev('payment_refused', { channelId: '1x1x0', reason: 'minTimeBetweenPayments' }),
      'payer_refused_limit',
      '1x1x0:minTimeBetweenPayments'
    ],
    [ev('payment_refused', { channelId: '1x1x0', reason: 'unknownChannel' }), undefined],
    [ev('statement_disagreement', { counterparty: 'bob' }), 'statement_disagreement', 'bob'],
    [ev('decision', { channelId: '1x1x0' }), undefined],
    [ev('node_disconnected', { node: 'A' }), undefined]
  ]
  for (const [event, kind, key] of table) {
    it(`${event.type}${'reason' in event ? ` (${event.reason})` : ''} -> ${kind ?? 'nothing'}`, () => {
      const n = classify(event)
      assert.equal(n?.kind, kind)
      if (key !== undefined) assert.equal(n?.key, key)
    })
  }
  it('carries the amount for minTokens', () => {
    assert.equal(classify(ev('rebalanced', { tokens: 1234 }))?.tokens, 1234)
    assert.equal(classify(ev('started'))?.tokens, undefined)
  })
})

describe('notifications: the sentence', () => {
  it('is one line, whatever a peer put in its fields', () => {
    const n = classify(
      ev('payment_refused', {
        channelId: '1x1x0\n2026 payment_succeeded',
        node: 'A\u001b[2J',
        reason: 'maxAmountPerPeriod',
        detail: 'x'.repeat(1000)
      })
    )
    assert.ok(n)
    const s = sentence(n, 'host')
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    assert.ok(!/[\u0000-\u001f\u007f]/.test(s), s)
    assert.ok(s.length < 700)
    assert.match(
      s,
      /^Tightrope host: we refused to pay on channel 1x1x0 2026 payment_succeeded \(A \[2J\) because of our limit maxAmountPerPeriod/
    )
  })
})

describe('notifications: the webhook signature', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>" (vector from openssl dgst -sha256 -hmac)', () => {
    assert.equal(
      webhookSignature('0123456789abcdef', '1700000000', '{"kind":"started"}'),
      'sha256=fdecf060a6a06a564ecf39a2a41860a04256fe02ae489648d1197322b939d57e'
    )
  })
})

describe('notifications: the delivery queue', () => {
  it('retries with backoff until the receiver takes it, in order', async () => {
    const got: number[] = []
    let failures = 2
    const q = new DeliveryQueue<number>({
      send: async (n) => {
        if (n === 1 && failures-- > 0) throw new Error('503')
        got.push(n)
      },
      retryDelayMs: () => 5
    })
    q.push(1)
    q.push(2)
    await eventually(() => (got.length === 2 ? true : undefined), 5000, 'both delivered')
    assert.deepEqual(got, [1, 2])
    assert.deepEqual(
      { sent: q.stats.sent, retries: q.stats.retries, failed: q.stats.failed },
      { sent: 2, retries: 2, failed: 0 }
    )
  })

  it('push never waits, keeps at most maxQueued (dropping the oldest), and gives up after maxAttempts', async () => {
    const failed: number[] = []
    let release: () => void = () => {}
    const blocked = new Promise<void>((resolve) => {
      release = resolve
    })
    const q = new DeliveryQueue<number>({
      send: async (n) => {
        if (n === 0) await blocked
        throw new Error('down')
      },
      maxQueued: 3,
      maxAttempts: 2,
      retryDelayMs: () => 1,
      onFailure: (n) => failed.push(n)
    })
    // push() is synchronous: it returns before the blocked send, with the queue already bounded.
    for (let i = 0; i < 10; i++) q.push(i) // 0 is being sent (blocked); 1..9 queue, bounded at 3
    assert.equal(q.stats.queued, 3)
    assert.equal(q.stats.dropped, 6)
    release()
    await eventually(() => (failed.length === 4 ? true : undefined), 5000, 'every item tried and failed')
    assert.deepEqual(failed, [0, 7, 8, 9])
    assert.equal(q.stats.failed, 4)
  })

  it('stop() delivers what is queued within the grace time, then drops the rest', async () => {
    const q = new DeliveryQueue<number>({ send: () => new Promise(() => {}) }) // a receiver that never answers
    q.push(1)
    q.push(2)
    await q.stop(50)
    assert.equal(q.stats.dropped, 1)
  })
})

describe('notifications: lost nodes and peers', () => {
  it('a node gone for the whole wait is lost; one back in time is not', async () => {
    const lost: string[] = []
    const w = new LostWatch((n) => lost.push(`${n.kind}:${n.key}`), 30)
    w.handle(ev('node_disconnected', { node: 'A' }))
    w.handle(ev('node_disconnected', { node: 'B' }))
    w.handle(ev('peer_disconnected', { peer: 'abc' }))
    w.handle(ev('node_reconnected', { node: 'B' }))
    // B's timer was due before abc's (armed earlier, same wait): had it not been cleared, it would have fired by now.
    await eventually(() => (lost.length === 2 ? true : undefined), 5000, 'two lost')
    w.stop()
    assert.deepEqual(lost.sort(), ['node_lost:A', 'peer_lost:abc'])
  })
})

describe('notifications: a receiver that is down', () => {
  it("costs the daemon nothing and is reported without the URL's path or the bot token", async () => {
    const server = createServer((_req, res) => {
      res.statusCode = 401
      res.end(JSON.stringify({ ok: false, description: 'Unauthorized: 123456:SECRETSECRETSECRETSECRET' }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    const events: Array<Record<string, unknown>> = []
    const notifier = new Notifier({
      targets: [
        { url: 'http://127.0.0.1:1/hooks/TOKENINPATH', events: ['started'], minTokens: 0 },
        {
          telegram: { botToken: '123456:SECRETSECRETSECRETSECRET', chatId: '42', apiUrl: `http://127.0.0.1:${port}` },
          events: ['started'],
          minTokens: 0
        }
      ],
      instance: 'test',
      emit: (type, fields) => events.push({ type, ...fields }),
      retryDelayMs: () => 5
    })
    try {
      notifier.handle(ev('started'))
      await eventually(() => (events.length === 2 ? true : undefined), 10_000, 'both deliveries to fail for good')
      const text = JSON.stringify(events)
      assert.ok(!text.includes('TOKENINPATH') && !text.includes('SECRETSECRET'), text)
      assert.deepEqual(events.map((e) => e.target).sort(), ['telegram chat 42', 'webhook http://127.0.0.1:1'])
      assert.deepEqual(
        notifier.stats().map((s) => [s.sent, s.failed, s.retries]),
        [
          [0, 1, 4],
          [0, 1, 4]
        ]
      )
    } finally {
      await notifier.stop()
      server.close()
    }
  })
})

describe('notifications: target names', () => {
  it('two webhooks on one origin get their position, so each stays one metric series', () => {
    const hook = (url: string) => ({ url, events: ['started' as const], minTokens: 0 })
    assert.deepEqual(
      targetLabels([
        hook('https://hooks.example/a/TOKEN1'),
        hook('https://hooks.example/b/TOKEN2'),
        {
          telegram: { botToken: 'x', chatId: '42', apiUrl: 'https://api.telegram.org' },
          events: ['started'],
          minTokens: 0
        }
      ]),
      ['webhook https://hooks.example #1', 'webhook https://hooks.example #2', 'telegram chat 42']
    )
  })

  it('a URL with user:password@ is refused, with the reason', () => {
    const base = {
      secret: 'x'.repeat(24),
      lightningNodes: [{ type: 'lnd', cert: CERT, macaroon: MACAROON, socket: '127.0.0.1:10009' }]
    }
    assert.throws(
      () => validateConfig({ ...base, notifications: [{ url: 'https://user:pass@hooks.example/x' }] }),
      /notifications\[0\]\.url: expected an http:\/\/ or https:\/\/ URL without user:password@/
    )
  })
})
