import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SimCluster } from '../../src/sim/cluster.js'
import { startInstance, type Instance } from '../../src/app/instance.js'
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from '../../src/notify/webhook.js'
import { instanceConfig } from '../helpers/config.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { push, shareOf, tempDir } from '../helpers/daemon.js'

const WEBHOOK_SECRET = 'webhook-secret-0123456789'
const BOT_TOKEN = '4242424242:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw'

interface Received {
  headers: IncomingMessage['headers']
  path: string
  body: string
}

/** A loopback HTTP server that records each POST and answers with `reply` (status, JSON). */
async function receiver(
  reply: (r: Received, n: number) => [number, unknown]
): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => {
      body += d.toString()
    })
    req.on('end', () => {
      const r = { headers: req.headers, path: req.url ?? '', body }
      const [status, answer] = reply(r, got.length)
      if (status < 300) got.push(r)
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got }
}

describe('notifications from a real rebalance, to a webhook and a Telegram Bot API on loopback', () => {
  let cluster: SimCluster
  let instance: Instance | undefined
  let hook: Awaited<ReturnType<typeof receiver>>
  let bot: Awaited<ReturnType<typeof receiver>>
  let refusedOnce = false
  const lines: string[] = []
  const dir = tempDir()

  before(async () => {
    // The webhook answers 503 once (the first delivery is retried), then takes everything.
    hook = await receiver(() => (refusedOnce ? [200, {}] : ((refusedOnce = true), [503, {}])))
    // Like the Bot API's sendMessage: the token in the path, { ok, result } back.
    bot = await receiver((r) =>
      r.path === `/bot${BOT_TOKEN}/sendMessage`
        ? [200, { ok: true, result: { message_id: 1 } }]
        : [401, { ok: false, description: 'Unauthorized' }]
    )
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
    instance = await startInstance(
      instanceConfig(cluster, ['A', 'B'], (await dir).path, {
        verbose: true,
        notifications: [
          {
            url: `${hook.url}/hooks/tightrope`,
            secret: WEBHOOK_SECRET,
            events: ['started', 'rebalanced', 'rebalance_failed', 'stopped']
          },
          { telegram: { botToken: BOT_TOKEN, chatId: -1001234567890, apiUrl: bot.url } }
        ]
      }),
      { log: (line) => lines.push(line) }
    )
  })
  after(async () => {
    await instance?.stop()
    await cluster?.stop()
    hook?.server.close()
    bot?.server.close()
    await (await dir).remove()
  })

  const hookKinds = (): string[] => hook.got.map((r) => (JSON.parse(r.body) as { kind: string }).kind)
  const botTexts = (): string[] => bot.got.map((r) => (JSON.parse(r.body) as { text: string }).text)

  it('a rebalance that happens and one that fails reach the webhook (signed) and the chat', async () => {
    await eventually(() => (hookKinds().includes('started') ? true : undefined), 15_000, 'started, after one retry')
    await push(cluster, 'A', 'B', 600_000)
    await eventually(() => (hookKinds().includes('rebalanced') ? true : undefined), 15_000, 'rebalanced')
    const rebalanced = JSON.parse(hook.got.find((r) => r.body.includes('"kind":"rebalanced"'))?.body ?? '{}')
    assert.equal(rebalanced.event.type, 'rebalanced')
    assert.equal(rebalanced.event.channelId, cluster.channelBetween('A', 'B')?.id)
    assert.ok(rebalanced.event.tokens > 0)
    assert.match(rebalanced.text, /was rebalanced/)
    await eventually(
      () => (Math.abs(shareOf(cluster, 'A', 'B') - 0.5) <= 0.1 ? true : undefined),
      10_000,
      'A-B back in its deadzone'
    )

    // B pays A's invoices; its next payment fails.
    cluster.addFault({ type: 'fail', from: 'B', to: 'A', reason: 'FAILURE_REASON_INSUFFICIENT_BALANCE', count: 1 })
    await push(cluster, 'A', 'B', 600_000)
    await eventually(
      () =>
        hookKinds().includes('rebalance_failed') && botTexts().some((t) => /failed|not done/.test(t))
          ? true
          : undefined,
      15_000,
      'rebalance_failed at both'
    )

    for (const r of hook.got) {
      assert.equal(r.path, '/hooks/tightrope')
      assert.equal(r.headers['content-type'], 'application/json')
      const ts = String(r.headers[TIMESTAMP_HEADER])
      assert.ok(Math.abs(Number(ts) - Date.now() / 1000) < 600, 'a current timestamp')
      assert.equal(
        r.headers[SIGNATURE_HEADER],
        webhookSignature(WEBHOOK_SECRET, ts, r.body),
        'signed over timestamp and body'
      )
    }
    for (const r of bot.got) assert.equal(JSON.parse(r.body).chat_id, '-1001234567890')
    // The chat gets the defaults: a failure, never a success.
    assert.ok(botTexts().every((t) => !/was rebalanced/.test(t)))
    assert.ok(
      botTexts().some((t) => /^Tightrope .*: (a payment of ours on|a rebalance of) channel /.test(t)),
      botTexts().join('\n')
    )
    const stats = instance?.notifier?.stats() ?? []
    assert.ok((stats.find((s) => s.target.startsWith('webhook'))?.retries ?? 0) >= 1, 'the 503 was retried')
    const metrics = await (await fetch(`${instance?.api?.url ?? ''}/metrics`)).text()
    const sent =
      /^tightrope_notifications_total\{target="webhook http:\/\/127\.0\.0\.1:\d+",outcome="sent"\} (\d+)$/m.exec(
        metrics
      )
    assert.equal(Number(sent?.[1]), hook.got.length, metrics)
    assert.match(metrics, /^tightrope_notification_retries_total\{target="webhook [^"]+"\} [1-9]/m)
    assert.match(
      metrics,
      /^tightrope_notifications_total\{target="telegram chat -1001234567890",outcome="failed"\} 0$/m
    )
  })

  it('stop() delivers "stopped" before it returns, and no secret reached the log', async () => {
    await instance?.stop()
    instance = undefined
    assert.ok(hookKinds().includes('stopped'))
    assert.ok(botTexts().some((t) => /stopped\.$/.test(t)))
    const all = lines.join('\n')
    assert.ok(lines.length > 10, 'the daemon logged')
    for (const secret of [WEBHOOK_SECRET, BOT_TOKEN, '/hooks/tightrope'])
      assert.ok(!all.includes(secret), `${secret} is not in the log`)
  })
})
