import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { SimCluster } from '../sim/cluster.js'
import { parseScenario, type Scenario } from '../sim/scenario.js'
import { OperatorProcess } from './operator-process.js'
import { freeTcpPort } from './free-port.js'
import { Traffic } from './traffic.js'
import { lightningNodeEntry } from './node-entry.js'
import { DEFAULT_SCENARIO, PACKAGE_ROOT } from '../package-root.js'

export const DEMO_SETTINGS = {
  maxTransactionSize: 1_000_000,
  minTimeBetweenPayments: '1s',
  limitsPeriod: '1h',
  useRollingLimitsPeriod: true,
  maxTransactionsPerPeriod: 1000,
  maxAmountPerPeriod: 1_000_000_000,
  balancePoint: 0.5,
  deadzone: 0.1,
  refreshRate: 5
}

export interface WatchedChannel {
  id: string
  a: string
  b: string
  share: number
  inside: boolean
  active: boolean
  operators: string
}
export interface Rebalance {
  at: number
  from: string
  to: string
  channelId: string
  tokens: number
  feeMsat: number
}

/**
 * The spec's story on this machine: the simulator (with a local DHT), and Alice's and Bob's
 * Tightrope instances as separate processes, each with its own generated config, same secret.
 */
export class DemoCluster {
  readonly operators = new Map<string, OperatorProcess>()
  readonly dashboards = new Map<string, string>()
  readonly traffic: Traffic
  private readonly ownerOf = new Map<string, string>()
  private readonly configDirs = new Map<string, string>()
  private settings: Record<string, unknown> = DEMO_SETTINGS

  private constructor(
    readonly sim: SimCluster,
    readonly scenario: Scenario,
    private readonly dir: string,
    seed: number
  ) {
    this.traffic = new Traffic(sim, seed)
    for (const n of scenario.nodes) if (n.operator) this.ownerOf.set(n.alias, n.operator)
  }

  static async start(
    opts: {
      scenarioFile?: string
      scenario?: Scenario
      seed?: number
      settings?: Record<string, unknown>
      onProgress?: (line: string) => void
    } = {}
  ): Promise<DemoCluster> {
    const progress =
      opts.onProgress ??
      (() => {
        /* no progress lines wanted */
      })
    const file = opts.scenarioFile ?? DEFAULT_SCENARIO
    const scenario = opts.scenario ?? parseScenario(JSON.parse(await readFile(file, 'utf8')), file)
    const dir = await mkdtemp(join(tmpdir(), 'tightrope-demo-'))
    progress('starting the simulated Lightning network and a local DHT...')
    const sim = await SimCluster.start({ scenario, dht: true, control: true })
    const demo = new DemoCluster(sim, scenario, dir, opts.seed ?? 20261124)
    if (opts.settings) demo.settings = { ...DEMO_SETTINGS, ...opts.settings }
    try {
      const secret = randomBytes(24).toString('hex')
      const byOperator = new Map<string, string[]>()
      for (const n of scenario.nodes)
        if (n.operator) byOperator.set(n.operator, [...(byOperator.get(n.operator) ?? []), n.alias])
      for (const [name, aliases] of byOperator) {
        const configDir = await demo.writeConfig(name, aliases, secret)
        progress(`starting ${name}'s instance for ${aliases.join(', ')}...`)
        demo.configDirs.set(name, configDir)
        demo.operators.set(name, new OperatorProcess(name, configDir))
      }
      for (const [name, op] of demo.operators) {
        const listening = await op.waitForEvent('api_listening', 60_000)
        demo.dashboards.set(name, listening.url)
      }
      for (const [name, op] of demo.operators) {
        if (demo.operators.size > 1) await op.waitForEvent('peer_authenticated', 60_000)
        progress(`${name} is up and has found the other instance`)
      }
      return demo
    } catch (err) {
      await demo.stop()
      throw err
    }
  }

  private async writeConfig(name: string, aliases: string[], secret: string): Promise<string> {
    const configDir = join(this.dir, name, 'config')
    await mkdir(configDir, { recursive: true })
    await writeFile(join(configDir, 'default.json'), await readFile(join(PACKAGE_ROOT, 'config', 'default.json')))
    await writeFile(
      join(configDir, 'local.json'),
      JSON.stringify(
        {
          secret,
          lightningNodes: aliases.map((a) => lightningNodeEntry(this.sim.nodeConnection(a))),
          audit: { storage: { path: join(this.dir, name, 'storage') }, verboseScreenLogging: true },
          limits: { baseSettings: this.settings, idSettings: [] },
          swarm: { bootstrap: this.sim.bootstrap },
          api: { host: '127.0.0.1', port: await freeTcpPort() }
        },
        null,
        2
      ),
      { mode: 0o600 }
    )
    return configDir
  }

  /** Stops an operator's process (SIGTERM, or SIGKILL for a crash) and starts it again. */
  async restartOperator(name: string, crash = false): Promise<OperatorProcess> {
    const old = this.operators.get(name)
    const configDir = this.configDirs.get(name)
    if (!old || !configDir) throw new Error(`no operator ${name}`)
    await (crash ? old.kill() : old.stop())
    const next = new OperatorProcess(name, configDir)
    this.operators.set(name, next)
    await next.waitForEvent('api_listening', 60_000)
    return next
  }

  /** Where an operator's audit logs live. */
  storageOf(name: string): string {
    return join(this.dir, name, 'storage')
  }

  /** Bob opens E-B at runtime, out of balance (B, Alice's side, holds little of it). */
  openLateChannel(): WatchedChannel | undefined {
    if (!this.sim.network.hasNode('E') || !this.sim.network.hasNode('B') || this.sim.channelBetween('E', 'B'))
      return undefined
    this.sim.openChannel({ from: 'E', to: 'B', capacity: 2_000_000, fromBalance: 1_700_000 })
    return this.watched().find((c) => (c.a === 'E' && c.b === 'B') || (c.a === 'B' && c.b === 'E'))
  }

  /** Channels whose two ends both belong to a cluster operator. */
  watched(): WatchedChannel[] {
    const deadzone = DEMO_SETTINGS.deadzone
    return this.sim
      .channels()
      .filter((c) => this.ownerOf.has(c.from) && this.ownerOf.has(c.to))
      .map((c) => {
        const share = c.fromBalance / (c.fromBalance + c.toBalance)
        return {
          id: c.id,
          a: c.from,
          b: c.to,
          share,
          active: c.active,
          inside: Math.abs(share - DEMO_SETTINGS.balancePoint) <= deadzone + 1e-9,
          operators: [...new Set([this.ownerOf.get(c.from), this.ownerOf.get(c.to)])].join('+')
        }
      })
  }

  /** Tightrope's payments: over a watched channel between its two ends, and not traffic. */
  rebalances(): Rebalance[] {
    const watched = this.watched()
    return this.sim.network.paymentLog
      .filter(
        (p) =>
          p.status === 'SUCCEEDED' &&
          !this.traffic.hashes.has(p.paymentHash) &&
          watched.some((c) => (c.a === p.from && c.b === p.to) || (c.a === p.to && c.b === p.from))
      )
      .map((p) => ({
        at: p.at,
        from: p.from,
        to: p.to,
        channelId: p.chanIds.join(','),
        tokens: Math.round(p.amountMsat / 1000),
        feeMsat: p.feeMsat
      }))
  }

  /** Stops the instances gracefully (their logs flushed), leaving the simulator and files. */
  async stopOperators(): Promise<void> {
    this.traffic.stop()
    await Promise.all([...this.operators.values()].map((op) => op.stop()))
  }

  async stop(): Promise<void> {
    await this.stopOperators()
    await this.sim.stop()
    await rm(this.dir, { recursive: true, force: true })
  }
}
