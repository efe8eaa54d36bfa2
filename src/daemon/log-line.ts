/**
 * How events and values reach the operator's terminal. Peers choose some of them (aliases, channel ids, agent
 * strings, reasons), so no byte of a value may start a new line, begin a control sequence or pose
 * as another `key=value` pair: a plain token (printable ASCII without space, quote or backslash) is
 * printed bare, anything else as a JSON string with every control character escaped.
 */

import type { TightropeEvent } from '../core/events.js'
import { escapeUnits, safeText, UNSAFE_TEXT } from '../core/safe-text.js'

export { safeText }

// What JSON.stringify leaves raw inside strings: the unsafe characters (core/safe-text) but C0,
// which it escapes itself (its indentation's newlines stay).
const JSON_RAW = new RegExp(`(?![\\u0000-\\u001f])${UNSAFE_TEXT.source}`, 'gu')
const BARE = /^[\x21-\x7e]+$/

/** JSON text with the characters JSON.stringify leaves raw (DEL, C1, bidi) escaped too: still valid JSON. */
export function safeJson(value: unknown, indent?: number): string {
  const json = JSON.stringify(value, null, indent)
  return json === undefined ? safeText(String(value)) : json.replace(JSON_RAW, escapeUnits)
}

/** One value: bare when it is a plain token, quoted and escaped otherwise. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return BARE.test(v) && !/["\\]/.test(v) ? v : safeJson(v)
  return safeJson(v)
}

/** `key=value key=value`, each value through formatValue (keys too, in case one comes from a peer). */
export function formatFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${/^[A-Za-z0-9_.-]+$/.test(k) ? k : safeJson(k)}=${formatValue(v)}`)
    .join(' ')
}

/** The daemon's log: `text` (one `time type key=value...` line an event) or `json` (one object a line). */
export type LogFormat = 'text' | 'json'
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json']

/** One event as a log line. JSON lines are `{ time, type, ...fields }`, escaped like safeJson. */
export function eventLine(event: TightropeEvent, format: LogFormat): string {
  const { type, at, ...fields } = event
  const time = new Date(at).toISOString()
  return format === 'json' ? safeJson({ time, type, ...fields }) : `${time} ${type} ${formatFields(fields)}`
}

/** A JSON log line back as an event (for the demo and the tests); undefined for any other line. */
export function parseEventLine(line: string): TightropeEvent | undefined {
  if (!line.startsWith('{')) return undefined
  try {
    const { time, ...rest } = JSON.parse(line) as { time?: unknown; type?: unknown }
    if (typeof time !== 'string' || typeof rest.type !== 'string') return undefined
    return { ...rest, at: Date.parse(time) } as TightropeEvent
  } catch {
    return undefined // not one of our lines (a crash's stack trace, say)
  }
}
