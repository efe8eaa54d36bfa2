import { randomBytes } from 'node:crypto'
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import HyperDHT from 'hyperdht'

const SEED_HEX = /^[0-9a-fA-F]{64}$/

/**
 * The instance's swarm identity persists across restarts (peers recognise it; hyperswarm's default
 * is a new random key per process). The 32-byte seed lives in one file, readable by us only. A file
 * already there is used as it is (an operator may place one before the first start, or restore a
 * backup); one that is not a seed is refused, naming the file: a key is never overwritten.
 */
export async function loadSwarmKeyPair(file: string): Promise<{ publicKey: Buffer; secretKey: Buffer }> {
  const existing = await readSeed(file)
  if (existing) return HyperDHT.keyPair(existing)
  await mkdir(dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, randomBytes(32).toString('hex') + '\n', { mode: 0o600 })
  try {
    // link, not rename: it fails if the file appeared meanwhile (another start), which is then used.
    await link(tmp, file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err
    })
  } finally {
    await rm(tmp, { force: true })
  }
  const seed = await readSeed(file)
  if (!seed) throw new Error(`swarm key file ${file} vanished while it was being created`)
  return HyperDHT.keyPair(seed)
}

/** The seed in the file; undefined when there is no file; an error naming the file when it is not a seed. */
async function readSeed(file: string): Promise<Buffer | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`swarm key file ${file} cannot be read: ${(err as Error).message}`, { cause: err })
  }
  const hex = text.trim()
  if (!SEED_HEX.test(hex))
    throw new Error(
      `swarm key file ${file} is not a swarm key: expected 64 hex characters (the 32-byte seed). ` +
        'Fix it, or remove it to give this instance a new swarm identity (peers then see a new instance)'
    )
  return Buffer.from(hex, 'hex')
}
