import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:net'
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SimCluster } from '../../src/sim/cluster.js'
import { eventually, readmeScenario } from '../helpers/sim.js'
import { tempDir } from '../helpers/daemon.js'
import { runTightrope, runToEnd, waitForFile, type Running } from '../helpers/process.js'
import { DEFAULT_API_PORT } from '../../src/config/defaults.js'

/** Holds a port the way another program would; resolves undefined if someone else holds it already. */
async function hold(port: number): Promise<Server | undefined> {
  const server = createServer()
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(undefined) : reject(err)))
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}
const close = async (s: Server | undefined): Promise<void> => {
  await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()))
}

/** Every path under dir with its permission bits (RocksDB may remove a file while we walk: skipped). */
async function modes(dir: string): Promise<Array<[string, number, boolean]>> {
  const out: Array<[string, number, boolean]> = []
  const st = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined
    throw err
  })
  if (!st) return out
  out.push([dir, st.mode & 0o777, st.isDirectory()])
  if (st.isDirectory())
    for (const name of await readdir(dir).catch(() => [])) out.push(...(await modes(join(dir, name))))
  return out
}

/**
 * The operator's own machine: two instances from configs copied from the original (no api
 * section) on one host, an api.port the operator chose that is taken, and who may read the files.
 */
describe('two instances on one host, and their files', () => {
  let cluster: SimCluster
  let dir: { path: string; remove: () => Promise<void> }
  let blocker: Server | undefined
  const procs: Running[] = []

  /** A config dir as an original user has it: the repo's default.json, a local.json without `api`. */
  async function configFor(
    name: string,
    aliases: string[],
    extra: Record<string, unknown> = {}
  ): Promise<{ config: string; storage: string }> {
    const config = join(dir.path, name, 'config')
    const storage = join(dir.path, name, 'storage')
    await mkdir(config, { recursive: true })
    await writeFile(join(config, 'default.json'), await readFile(join(process.cwd(), 'config', 'default.json')))
    await writeFile(
      join(config, 'local.json'),
      JSON.stringify({
        lightningNodes: aliases.map((a) => {
          const c = cluster.connection(a)
          return { type: 'lnd', cert: c.cert, macaroon: c.macaroon, socket: c.socket }
        }),
        audit: { storage: { path: storage } },
        limits: { baseSettings: { refreshRate: 1 } },
        ...extra
      })
    )
    return { config, storage }
  }

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
    dir = await tempDir()
    blocker = await hold(DEFAULT_API_PORT)
  })
  after(async () => {
    for (const p of procs) await p.stop('SIGKILL')
    await close(blocker)
    await cluster?.stop()
    await dir?.remove()
  })

  it('both start with 8470 taken, each on a free port it says and publishes; status finds each', async () => {
    const alice = await configFor('alice', ['A', 'B'])
    const bob = await configFor('bob', ['C', 'D'])
    // Alice's storage exists from an older version, readable by everyone: she is warned, not stopped.
    await mkdir(alice.storage, { recursive: true, mode: 0o755 })
    await chmod(alice.storage, 0o755)
    const a = runTightrope(['start', '--config', alice.config])
    procs.push(a)
    const b = runTightrope(['start', '--config', bob.config])
    procs.push(b)
    await waitForFile(join(alice.storage, 'api.json'), 30_000, a)
    await waitForFile(join(bob.storage, 'api.json'), 30_000, b)
    const urls = await Promise.all(
      [alice, bob].map(
        async (o) => (JSON.parse(await readFile(join(o.storage, 'api.json'), 'utf8')) as { url: string }).url
      )
    )
    assert.notEqual(urls[0], urls[1])
    for (const [i, proc] of [a, b].entries()) {
      const url = urls[i] as string
      const port = Number(new URL(url).port)
      // The terminal's text lines on purpose: what an operator reads when the port is taken is
      // what is tested here (the structured events are tested everywhere else).
      const warnings = proc
        .output()
        .split('\n')
        .filter((l) => l.includes(' api_port_taken '))
      if (port !== DEFAULT_API_PORT) {
        assert.equal(warnings.length, 1, proc.output())
        assert.match(
          warnings[0] as string,
          new RegExp(`port=${DEFAULT_API_PORT} listening=${url.replace(/[.]/g, '\\.')} `)
        )
      }
      if (blocker) assert.notEqual(port, DEFAULT_API_PORT, 'we hold 8470')
      assert.equal(proc.child.exitCode, null, 'still running')
    }
    for (const [o, nodes] of [
      [alice, 'A, B'],
      [bob, 'C, D']
    ] as const) {
      const r = await runToEnd(['status', '--config', o.config])
      assert.equal(r.code, 0, r.output)
      assert.match(r.output, new RegExp(`^nodes {2}${nodes}$`, 'm'))
    }
    // The files: Alice's old directory stays as it was and is reported; Bob's new one is private.
    assert.match(
      a.output(),
      new RegExp(
        `storage_permissions_too_open problem="${alice.storage.replace(/[/.]/g, '\\$&')} is 755, expected 700"`
      )
    )
    assert.doesNotMatch(b.output(), /storage_permissions_too_open/)
    await eventually(() => (b.output().includes(' started ') ? true : undefined), 20_000, 'bob started')
    const bobModes = await modes(bob.storage)
    assert.ok(bobModes.length > 3, 'the Corestore, its files and api.json')
    for (const [path, mode, isDir] of bobModes)
      assert.equal(mode, isDir ? 0o700 : 0o600, `${path} is ${mode.toString(8)}`)
    const aliceFiles = (await modes(alice.storage)).filter(([, , isDir]) => !isDir)
    for (const [path, mode] of aliceFiles)
      assert.equal(mode, 0o600, `${path}: new files are private even in an old directory`)
  })

  it('a port the operator set that is taken is a clear error and exit 1', async () => {
    const taken = await hold(0)
    try {
      const port = (taken?.address() as { port: number }).port
      const carol = await configFor('carol', ['E'], { api: { port } })
      const r = await runToEnd(['start', '--config', carol.config])
      assert.equal(r.code, 1, r.output)
      assert.match(
        r.output,
        new RegExp(`tightrope: api: cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE \\(another process holds it`)
      )
      assert.doesNotMatch(r.output, /api_port_taken|api_listening/)
    } finally {
      await close(taken)
    }
  })
})
