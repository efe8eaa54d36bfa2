import type { TelegramTarget } from '../config/notifications.js'

const TIMEOUT_MS = 10_000
/** The Bot API refuses longer messages. */
const MAX_TEXT = 4096

/**
 * Sends a text to a chat through the Bot API's sendMessage. Plain text (no parse_mode), so nothing
 * a peer put in an alias or a reason can format or link. The bot token is in the URL path, as the
 * Bot API requires: it never leaves this function (errors name the chat, never the URL).
 */
export function telegramSender(target: TelegramTarget): (text: string) => Promise<void> {
  const { apiUrl, botToken, chatId } = target.telegram
  const url = `${apiUrl.replace(/\/+$/, '')}/bot${botToken}/sendMessage`
  return async (text) => {
    let res: Response
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: chatId, text: text.slice(0, MAX_TEXT), disable_web_page_preview: true }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error'
      })
    } catch (err) {
      throw new Error(
        `cannot reach the Bot API: ${(err as Error).name === 'TimeoutError' ? 'timed out' : 'connection failed'}`
      )
    }
    const answer = (await res.json().catch(() => undefined)) as { ok?: boolean; description?: unknown } | undefined
    if (!res.ok || answer?.ok !== true) {
      const why =
        typeof answer?.description === 'string'
          ? answer.description.replaceAll(botToken, '***').slice(0, 200)
          : `HTTP ${res.status}`
      throw new Error(`the Bot API refused: ${why}`)
    }
  }
}
