/**
 * The one rule for text that reaches a terminal, a log line or a page and may come from a peer or a
 * config: no character of it may start a new line, begin a control sequence or make a line read as
 * another. Unsafe: control characters (C0, DEL, C1: 0x9b alone starts a CSI on some terminals),
 * format characters (bidirectional overrides and isolates, zero-width ones) and the Unicode line
 * and paragraph separators (U+2028, U+2029).
 */
export const UNSAFE_TEXT = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu

/** Each UTF-16 unit as \uXXXX (valid in JSON, surrogate pairs included). */
export function escapeUnits(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) out += `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`
  return out
}

/** Text with its unsafe characters shown as \uXXXX (readable exactly, harmless anywhere). */
export function safeText(text: string): string {
  return text.replace(UNSAFE_TEXT, escapeUnits)
}

/** Text with its unsafe characters replaced by '?' (a peer's alias, agent or reason, kept short). */
export function defused(text: string): string {
  return text.replace(UNSAFE_TEXT, '?')
}
