import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import HyperDHT from 'hyperdht'

/**
 * The instance's swarm identity persists across restarts (peers recognise it; hyperswarm's default
 * is a new random key per process). The 32-byte seed lives in one file, readable by us only.
 */
export async function loadSwarmKeyPair(file: string): Promise<{ publicKey: Buffer; secretKey: Buffer }> {
  let seed: Buffer
  try {
    const hex = (await readFile(file, 'utf8')).trim()
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file}: expected 64 hex characters (the swarm key seed)`)
    seed = Buffer.from(hex, 'hex')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    seed = randomBytes(32)
    await mkdir(dirname(file), { recursive: true, mode: 0o700 })
    const tmp = `${file}.${process.pid}.tmp`
    await writeFile(tmp, seed.toString('hex') + '\n', { mode: 0o600 })
    await rename(tmp, file)
  }
  return HyperDHT.keyPair(seed)
}
