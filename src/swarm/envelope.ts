import c from 'compact-encoding'

/**
 * Every application message travels in one envelope: a per-connection sequence number (strictly
 * increasing, so nothing can be replayed or reordered within a session), a type, and the body.
 * Decoding it ourselves lets a malformed message be dropped and counted (and an unknown type be
 * ignored), instead of tearing the connection down as a throwing Protomux decoder would.
 */
/** Fits the largest message: a nodes message with 64 claims is at most 17,540 bytes. */
export const MAX_FRAME = 20 * 1024

export const MessageType = { payInvoice: 1, paymentResult: 2, nodes: 3, statement: 4 } as const

export interface Envelope {
  seq: number
  type: number
  body: Uint8Array
}

export function encodeEnvelope(e: Envelope): Uint8Array {
  const state = c.state()
  c.uint.preencode(state, e.seq)
  c.uint.preencode(state, e.type)
  c.buffer.preencode(state, e.body)
  state.buffer = Buffer.allocUnsafe(state.end)
  c.uint.encode(state, e.seq)
  c.uint.encode(state, e.type)
  c.buffer.encode(state, e.body)
  return state.buffer
}

export function decodeEnvelope(bytes: Uint8Array): Envelope {
  if (bytes.length > MAX_FRAME) throw new Error(`frame of ${bytes.length} bytes exceeds ${MAX_FRAME}`)
  const state = { start: 0, end: bytes.length, buffer: bytes }
  const seq = c.uint.decode(state)
  const type = c.uint.decode(state)
  // compact-encoding reads a zero-length buffer as null: an empty body is still a body (a newer
  // peer's message type may have none; a known type's codec then refuses it).
  const body = c.buffer.decode(state) ?? new Uint8Array(0)
  if (state.start !== state.end) throw new Error('trailing bytes after envelope')
  return { seq, type, body }
}

export function encodeWith<T>(enc: c.Encoder<T>, value: T): Uint8Array {
  return c.encode(enc, value)
}

/** Decodes a whole body with a codec; trailing bytes are an error (no smuggled data). */
export function decodeWith<T>(enc: c.Encoder<T>, bytes: Uint8Array): T {
  const state = { start: 0, end: bytes.length, buffer: bytes }
  const value = enc.decode(state)
  if (state.start !== state.end) throw new Error('trailing bytes after message')
  return value
}

/**
 * One received frame, classified: a message to handle, or a reason to drop it. Pure (the fuzzer
 * drives it directly); `lastSeq` is the highest sequence number accepted on this connection.
 * `bad` says whether the drop counts towards disconnection: a well-formed envelope of a type we do
 * not know is not bad (a newer peer may add types); it still uses up its sequence number.
 */
export type ParsedFrame<T> =
  | { ok: true; seq: number; type: number; message: T }
  | { ok: false; bad: true; reason: string }
  | { ok: false; bad: false; reason: string; seq: number }

export function parseFrame<T>(
  bytes: Uint8Array,
  lastSeq: number,
  codecs: Record<number, c.Encoder<T>>
): ParsedFrame<T> {
  let env: Envelope
  try {
    env = decodeEnvelope(bytes)
  } catch (err) {
    return { ok: false, bad: true, reason: `malformed frame: ${(err as Error).message}` }
  }
  if (env.seq <= lastSeq)
    return { ok: false, bad: true, reason: `sequence ${env.seq} after ${lastSeq}: replayed or reordered` }
  const codec = codecs[env.type]
  if (!codec) return { ok: false, bad: false, reason: `unknown message type ${env.type}`, seq: env.seq }
  try {
    return { ok: true, seq: env.seq, type: env.type, message: decodeWith(codec, env.body) }
  } catch (err) {
    return { ok: false, bad: true, reason: `malformed message: ${(err as Error).message}` }
  }
}
