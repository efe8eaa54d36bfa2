import { z } from 'zod'

/**
 * What an operator can be notified of (the `events` of a notification target). Each is derived from
 * the daemon's own events by src/notify/classify.ts; the names are a contract (configs name them).
 */
export const NOTIFICATION_KINDS = [
  'rebalance_failed',
  'payer_refused_limit',
  'node_lost',
  'peer_lost',
  'statement_disagreement',
  'started',
  'stopped',
  'rebalanced'
] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

/** Sent when a target names no `events`: what needs an operator's attention, not every success. */
export const DEFAULT_NOTIFICATION_KINDS: readonly NotificationKind[] = NOTIFICATION_KINDS.filter(
  (k) => k !== 'rebalanced'
)

export interface NotificationFilter {
  events: NotificationKind[]
  /** Notifications about an amount below this many sats are not sent (0: all). */
  minTokens: number
}
export interface WebhookTarget extends NotificationFilter {
  url: string
  /** Signs each POST (HMAC-SHA256); never logged. */
  secret?: string
}
export interface TelegramTarget extends NotificationFilter {
  telegram: { botToken: string; chatId: string; apiUrl: string }
}
export type NotificationTarget = WebhookTarget | TelegramTarget

const HTTP_URL = 'expected an http:// or https:// URL without user:password@ (a webhook signs with "secret" instead)'
const httpUrl = z.string({ error: HTTP_URL }).refine(
  (s) => {
    try {
      const u = new URL(s)
      // user:password@ in a URL: fetch refuses it, and it would be a secret in a URL (use `secret`).
      return (
        (u.protocol === 'http:' || u.protocol === 'https:') &&
        u.hostname !== '' &&
        u.username === '' &&
        u.password === ''
      )
    } catch {
      return false // not a URL at all: the message says what is expected
    }
  },
  { error: HTTP_URL }
)

const KINDS_EXPECTED = `expected a list of: ${NOTIFICATION_KINDS.join(', ')}`
const filterShape = {
  events: z
    .array(
      z.enum(NOTIFICATION_KINDS, { error: (iss) => `unknown event ${JSON.stringify(iss.input)}: ${KINDS_EXPECTED}` }),
      { error: KINDS_EXPECTED }
    )
    .min(1, { error: `${KINDS_EXPECTED} (leave it out for the defaults)` })
    .prefault([...DEFAULT_NOTIFICATION_KINDS]),
  minTokens: z
    .number({ error: 'expected a whole number of satoshis (0 or more)' })
    .int({ error: 'expected a whole number of satoshis (0 or more)' })
    .min(0, { error: 'expected a whole number of satoshis (0 or more)' })
    .prefault(0)
}

const webhook = z.strictObject(
  {
    url: httpUrl,
    secret: z
      .string({ error: 'expected a secret of at least 16 characters' })
      .min(16, { error: 'expected a secret of at least 16 characters' })
      .optional(),
    ...filterShape
  },
  { error: 'expected { "url": ..., "secret"?: ..., "events"?: [...], "minTokens"?: ... }' }
)

const BOT_TOKEN = 'expected the bot token BotFather gave (digits, a colon, then letters, digits, - or _)'
const CHAT_ID = 'expected a chat id: a number such as -1001234567890, or "@channelname"'
const telegram = z.strictObject(
  {
    telegram: z.strictObject(
      {
        botToken: z.string({ error: BOT_TOKEN }).regex(/^\d+:[A-Za-z0-9_-]{20,}$/, { error: BOT_TOKEN }),
        chatId: z
          .union([z.number().int(), z.string().regex(/^(-?\d+|@[A-Za-z0-9_]{5,})$/)], { error: CHAT_ID })
          .transform(String),
        // The Bot API's address: Telegram's own, or a Bot API server you run yourself.
        apiUrl: httpUrl.prefault('https://api.telegram.org')
      },
      { error: 'expected { "botToken": ..., "chatId": ... }' }
    ),
    ...filterShape
  },
  { error: 'expected { "telegram": { "botToken": ..., "chatId": ... }, "events"?: [...], "minTokens"?: ... }' }
)

const target = z.unknown().pipe(
  z.union([webhook, telegram], {
    error: 'expected a webhook { "url": ... } or { "telegram": { "botToken": ..., "chatId": ... } }'
  })
)

/** `notifications`: a list of targets (none by default). */
export const notificationsSchema = z
  .array(
    z.custom<unknown>().transform((v, ctx) => {
      // Pick the form by its key, so errors speak of that form only.
      const form =
        typeof v === 'object' && v !== null && 'telegram' in v
          ? telegram
          : typeof v === 'object' && v !== null && 'url' in v
            ? webhook
            : target
      const r = form.safeParse(v)
      if (r.success) return r.data as NotificationTarget
      for (const issue of r.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0])
      return z.NEVER
    }),
    { error: 'expected a list of notification targets' }
  )
  .prefault([])

/**
 * How each target is named in logs, metrics and reload reports: a webhook by its URL's origin (its
 * path or query may hold a token), a chat by its id; " #n" (its position) when two would share a
 * name, so each stays one metric series and one reload entry.
 */
export function targetLabels(targets: readonly NotificationTarget[]): string[] {
  const base = targets.map((t) =>
    'telegram' in t ? `telegram chat ${t.telegram.chatId}` : `webhook ${new URL(t.url).origin}`
  )
  return base.map((label, i) => (base.indexOf(label) !== base.lastIndexOf(label) ? `${label} #${i + 1}` : label))
}
