import { randomUUID } from 'node:crypto'
import type { EventSink, TightropeEvent } from '../core/events.js'
import { targetLabels, type NotificationTarget, type TelegramTarget } from '../config/notifications.js'
import { classify, type DaemonEvent, type Notification } from './classify.js'
import { DeliveryQueue, type DeliveryStats } from './delivery-queue.js'
import { LostWatch } from './lost-watch.js'
import { sentence } from './sentence.js'
import { telegramSender } from './telegram.js'
import { webhookSender } from './webhook.js'

/** The same notification (kind + key, e.g. a channel and reason) is sent at most once in this time. */
export const THROTTLE_MS = 60_000
const STOP_GRACE_MS = 5_000

export interface NotifierOptions {
  targets: readonly NotificationTarget[]
  /** Names this instance in messages (e.g. its node aliases). */
  instance: string
  /** For the notifier's own events (a delivery that failed for good); never carries a secret. */
  emit: EventSink
  lostAfterMs?: number
  retryDelayMs?: (attempt: number) => number
}

/** A notification ready to send: the same id and text on every retry. */
interface Outgoing {
  kind: Notification['kind']
  text: string
  payload: object
}

interface Target {
  label: string
  config: NotificationTarget
  queue: DeliveryQueue<Outgoing>
}

const isTelegram = (t: NotificationTarget): t is TelegramTarget => 'telegram' in t

/** A chat gets the sentence; a webhook gets the JSON. */
function deliverer(config: NotificationTarget): (o: Outgoing) => Promise<void> {
  if (isTelegram(config)) {
    const send = telegramSender(config)
    return (o) => send(o.text)
  }
  const send = webhookSender(config)
  return (o) => send(o.payload)
}

/**
 * Sends the notifications operators pick (config `notifications`) to webhooks and Telegram chats,
 * from the daemon's event stream. Each target has its own bounded queue delivered in the
 * background: nothing here waits on a receiver or can fail the daemon.
 */
export class Notifier {
  private targets: Target[]
  private readonly lost: LostWatch
  private readonly lastSent = new Map<string, number>()

  constructor(private readonly opts: NotifierOptions) {
    this.lost = new LostWatch((n) => this.dispatch(n), opts.lostAfterMs)
    const labels = targetLabels(opts.targets)
    this.targets = opts.targets.map((config, i) => this.target(config, labels[i] ?? ''))
  }

  private target(config: NotificationTarget, label: string): Target {
    const t: Target = { label, config, queue: undefined as unknown as DeliveryQueue<Outgoing> }
    t.queue = new DeliveryQueue<Outgoing>({
      send: deliverer(config),
      ...(this.opts.retryDelayMs ? { retryDelayMs: this.opts.retryDelayMs } : {}),
      onFailure: (n, err) =>
        this.opts.emit('notification_failed', { target: t.label, notification: n.kind, error: (err as Error).message })
    })
    return t
  }

  /**
   * A config reload: notifications from now on go to `targets`. A target that stays (same
   * settings) keeps its queue; the queues of removed ones deliver what they hold in the background.
   */
  setTargets(targets: readonly NotificationTarget[]): void {
    const same = (a: NotificationTarget, b: NotificationTarget): boolean => JSON.stringify(a) === JSON.stringify(b)
    const kept = this.targets.filter((t) => targets.some((c) => same(c, t.config)))
    for (const t of this.targets) if (!kept.includes(t)) void t.queue.stop(STOP_GRACE_MS)
    const labels = targetLabels(targets)
    this.targets = targets.map((c, i) => {
      const t = kept.find((k) => same(c, k.config)) ?? this.target(c, labels[i] ?? '')
      t.label = labels[i] ?? t.label
      return t
    })
  }

  /** One daemon event in; zero or more notifications out. Never throws. */
  handle(event: TightropeEvent): void {
    this.lost.handle(event)
    const n = classify(event)
    if (n) this.dispatch(n)
  }

  private dispatch(n: Notification): void {
    const id = `${n.kind}:${n.key}`
    const last = this.lastSent.get(id)
    if (n.key !== '' && last !== undefined && n.at - last < THROTTLE_MS) return
    this.lastSent.set(id, n.at)
    if (this.lastSent.size > 10_000) this.lastSent.clear() // bounded; at worst one repeat
    const wanted = this.targets.filter(
      (t) => t.config.events.includes(n.kind) && (n.tokens === undefined || n.tokens >= t.config.minTokens)
    )
    if (wanted.length === 0) return
    const text = sentence(n, this.opts.instance)
    // The webhook's JSON (docs/operations.md, "Notifications").
    const payload = {
      id: randomUUID(),
      kind: n.kind,
      at: new Date(n.at).toISOString(),
      instance: this.opts.instance,
      text,
      event: n.event
    }
    for (const t of wanted) t.queue.push({ kind: n.kind, text, payload })
  }

  stats(): Array<{ target: string } & DeliveryStats> {
    return this.targets.map((t) => ({ target: t.label, ...t.queue.stats }))
  }

  /** Delivers what is queued (a 'stopped' notification among it) for a few seconds, then gives up. */
  async stop(): Promise<void> {
    this.lost.stop()
    await Promise.all(this.targets.map((t) => t.queue.stop(STOP_GRACE_MS)))
  }
}
