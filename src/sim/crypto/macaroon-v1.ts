import { goQuote } from './go-format.js'
import type { Caveat, Macaroon } from './macaroon-v2.js'

/**
 * The V1 binary macaroon format, parsed only so that bytes starting with an ASCII hex digit get
 * gopkg.in/macaroon.v2's own error (LND then refuses any V1 macaroon as "unknown macaroon version").
 * A realistic way to get here is a client that hex-encodes the macaroon twice.
 * Packets: 4 lower-case hex digits of total length, field name, space, data, newline.
 */
interface PacketV1 {
  name: string
  data: Buffer
  totalLen: number
}

function parsePacket(data: Buffer): PacketV1 {
  if (data.length < 6) throw new Error('packet too short')
  const size = data.subarray(0, 4).toString('latin1')
  if (!/^[0-9a-f]{4}$/.test(size)) throw new Error('cannot parse size')
  const plen = parseInt(size, 16)
  if (plen > data.length) throw new Error('packet size too big')
  if (plen < 4) throw new Error('packet size too small')
  const body = data.subarray(4, plen)
  const space = body.indexOf(0x20)
  if (space <= 0) throw new Error('cannot parse field name')
  if (body[body.length - 1] !== 0x0a) throw new Error('no terminating newline found')
  return {
    name: body.subarray(0, space).toString('latin1'),
    data: body.subarray(space + 1, body.length - 1),
    totalLen: plen
  }
}

function expectPacket(data: Buffer, kind: string): PacketV1 {
  const p = parsePacket(data)
  if (p.name !== kind) throw new Error(`unexpected field ${goQuote(p.name)}; expected ${kind}`)
  return p
}

export function parseMacaroonV1(buf: Buffer): Macaroon {
  let data = buf
  const loc = expectPacket(data, 'location')
  data = data.subarray(loc.totalLen)
  const id = expectPacket(data, 'identifier')
  data = data.subarray(id.totalLen)
  const caveats: Caveat[] = []
  // Mirrors the Go loop: a caveat is only kept once it has an id; vid and cl may come before it.
  let cav: { id?: Buffer; vid?: Buffer; location: string } = { location: '' }
  const keep = (): void => {
    if (cav.id)
      caveats.push({
        id: cav.id,
        ...(cav.vid ? { vid: cav.vid } : {}),
        ...(cav.location ? { location: cav.location } : {})
      })
  }
  for (;;) {
    const p = parsePacket(data)
    data = data.subarray(p.totalLen)
    switch (p.name) {
      case 'signature':
        keep()
        if (p.data.length !== 32) throw new Error(`signature has unexpected length ${p.data.length}`)
        return { version: 1, location: loc.data.toString('utf8'), id: id.data, caveats, signature: Buffer.from(p.data) }
      case 'cid':
        if (cav.id) {
          keep()
          cav = { location: '' }
        }
        cav.id = p.data
        break
      case 'vid':
        if (cav.vid) throw new Error('repeated field "vid" in caveat')
        cav.vid = p.data
        break
      case 'cl':
        if (cav.location) throw new Error('repeated field "location" in caveat')
        cav.location = p.data.toString('utf8')
        break
      default:
        throw new Error(`unexpected field ${goQuote(p.name)}`)
    }
  }
}
