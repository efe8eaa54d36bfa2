import { createHmac, timingSafeEqual } from 'node:crypto'
import { parseMacaroonV1 } from './macaroon-v1.js'

/**
 * Macaroons as gopkg.in/macaroon.v2 (what LND uses) encodes, signs and verifies them: the V2
 * binary format (version byte 2; sections of packets `field varint, length varint, bytes` ended by
 * EOS 0; header [location] identifier, then per caveat [location] identifier [vid], then the
 * signature) and the HMAC-SHA256 chain: sig = HMAC(HMAC("macaroons-key-generator", rootKey), id),
 * then sig = HMAC(sig, caveat) per first-party caveat. Parse errors carry the library's words,
 * because LND returns them to the client unchanged.
 */
export interface Caveat {
  id: Buffer
  vid?: Buffer
  location?: string
}
export interface Macaroon {
  version: 1 | 2
  location: string
  id: Buffer
  caveats: Caveat[]
  signature: Buffer
}

const FIELD = { EOS: 0, LOCATION: 1, IDENTIFIER: 2, VID: 4, SIGNATURE: 6 } as const

const hmac = (key: Uint8Array, data: Uint8Array): Buffer => createHmac('sha256', key).update(data).digest()
/** makeKey: libmacaroons turns any root key into a 32-byte HMAC key this way. */
const derivedKey = (rootKey: Uint8Array): Buffer => hmac(Buffer.from('macaroons-key-generator'), rootKey)

export function newMacaroon(rootKey: Uint8Array, id: Buffer, location: string): Macaroon {
  return { version: 2, location, id, caveats: [], signature: hmac(derivedKey(rootKey), id) }
}

export function addFirstPartyCaveat(m: Macaroon, condition: string): Macaroon {
  const id = Buffer.from(condition)
  return { ...m, caveats: [...m.caveats, { id }], signature: hmac(m.signature, id) }
}

/**
 * Recomputes the chain and returns the first-party conditions for the caller to check (like
 * VerifySignature). Third-party caveats would need discharges and secretbox decryption, which the
 * simulator never issues: their vid cannot be opened, so they fail with the library's message.
 */
export function verifySignature(m: Macaroon, rootKey: Uint8Array): Buffer[] {
  let sig = hmac(derivedKey(rootKey), m.id)
  const conditions: Buffer[] = []
  m.caveats.forEach((cav, i) => {
    if (cav.vid && cav.vid.length > 0) {
      throw new Error(
        `failed to decrypt caveat ${i} signature: ${cav.vid.length < 24 + 16 ? 'message too short' : 'decryption failure'}`
      )
    }
    sig = hmac(sig, cav.id)
    conditions.push(cav.id)
  })
  if (m.signature.length !== sig.length || !timingSafeEqual(sig, m.signature))
    throw new Error('signature mismatch after caveat verification')
  return conditions
}

// --- binary encoding ---

function varint(n: number): Buffer {
  const out: number[] = []
  while (n > 127) {
    out.push((n & 127) | 128)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return Buffer.from(out)
}
const packet = (field: number, data: Uint8Array): Buffer => Buffer.concat([varint(field), varint(data.length), data])
const EOS = Buffer.from([FIELD.EOS])

export function serializeMacaroon(m: Macaroon): Buffer {
  const parts: Buffer[] = [Buffer.from([2])]
  if (m.location) parts.push(packet(FIELD.LOCATION, Buffer.from(m.location)))
  parts.push(packet(FIELD.IDENTIFIER, m.id), EOS)
  for (const cav of m.caveats) {
    if (cav.location) parts.push(packet(FIELD.LOCATION, Buffer.from(cav.location)))
    parts.push(packet(FIELD.IDENTIFIER, cav.id))
    if (cav.vid && cav.vid.length > 0) parts.push(packet(FIELD.VID, cav.vid))
    parts.push(EOS)
  }
  parts.push(EOS, packet(FIELD.SIGNATURE, m.signature))
  return Buffer.concat(parts)
}

/** macaroon.UnmarshalBinary: V2, or V1 when the first byte is an ASCII hex digit; trailing bytes are ignored. */
export function parseMacaroon(data: Uint8Array): Macaroon {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  if (buf.length === 0) throw new Error('empty macaroon data')
  if (buf[0] === 2) {
    try {
      return parseV2(buf)
    } catch (err) {
      throw new Error(`unmarshal v2: ${(err as Error).message}`)
    }
  }
  if (/^[0-9a-f]$/.test(String.fromCharCode(buf[0] as number))) {
    try {
      return parseMacaroonV1(buf)
    } catch (err) {
      throw new Error(`unmarshal v1: ${(err as Error).message}`)
    }
  }
  throw new Error('cannot determine data format of binary-encoded macaroon')
}

interface Packet {
  field: number
  data: Buffer
}

function parseV2(buf: Buffer): Macaroon {
  let pos = 1
  /** Go's binary.Uvarint plus the library's 31-bit limit. */
  const readVarint = (): number => {
    let value = 0
    for (let i = 0; ; i++) {
      if (pos + i >= buf.length) throw new Error('varint value extends past end of buffer')
      if (i === 10) throw new Error('varint value out of range') // longer than 64 bits
      const b = buf[pos + i] as number
      value += (b & 127) * 2 ** (7 * i)
      if (b < 128) {
        if ((i === 9 && b > 1) || value > 0x7fffffff) throw new Error('varint value out of range')
        pos += i + 1
        return value
      }
    }
  }
  const readPacket = (): Packet => {
    const field = readVarint()
    if (field === FIELD.EOS) return { field, data: Buffer.alloc(0) }
    const len = readVarint()
    if (len > buf.length - pos) throw new Error('field data extends past end of buffer')
    const data = buf.subarray(pos, pos + len)
    pos += len
    return { field, data }
  }
  const readSection = (): Packet[] => {
    const packets: Packet[] = []
    for (let prev = -1; ;) {
      if (pos >= buf.length) throw new Error('section extends past end of buffer')
      const p = readPacket()
      if (p.field === FIELD.EOS) return packets
      if (p.field <= prev) throw new Error('fields out of order')
      packets.push(p)
      prev = p.field
    }
  }
  let header = readSection()
  let location = ''
  if (header[0]?.field === FIELD.LOCATION) {
    location = header[0].data.toString('utf8')
    header = header.slice(1)
  }
  if (header.length !== 1 || header[0]?.field !== FIELD.IDENTIFIER) throw new Error('invalid macaroon header')
  const id = header[0].data
  const caveats: Caveat[] = []
  for (let section = readSection(); section.length > 0; section = readSection()) {
    const cav: Caveat = { id: Buffer.alloc(0) }
    if (section[0]?.field === FIELD.LOCATION) {
      cav.location = section[0].data.toString('utf8')
      section = section.slice(1)
    }
    if (section[0]?.field !== FIELD.IDENTIFIER) throw new Error('no identifier in caveat')
    cav.id = section[0].data
    section = section.slice(1)
    if (section.length === 0) {
      if (cav.location) throw new Error('location not allowed in first party caveat')
    } else {
      if (section.length !== 1) throw new Error('extra fields found in caveat')
      if (section[0]?.field !== FIELD.VID) throw new Error('invalid field found in caveat')
      cav.vid = section[0].data
    }
    caveats.push(cav)
  }
  const sig = readPacket()
  if (sig.field !== FIELD.SIGNATURE) throw new Error('unexpected field found instead of signature')
  if (sig.data.length !== 32) throw new Error('signature has unexpected length')
  return { version: 2, location, id, caveats, signature: Buffer.from(sig.data) }
}
