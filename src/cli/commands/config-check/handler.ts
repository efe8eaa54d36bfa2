import { loadConfigFromFlags } from '../../config-flags.js'
import { resolveWithSources } from '../../../config/resolve.js'
import { formatDuration } from '../../../config/duration.js'
import type { Settings } from '../../../config/types.js'
import { LndNode } from '../../../lightning/lnd-node.js'
import type { ConfigCheckOptions } from './options.js'

interface SideReport {
  node: string
  channelId: string
  partner: string
  settings: Settings
  sources: Record<string, string>
}

const DURATIONS = new Set(['minTimeBetweenPayments', 'limitsPeriod', 'refreshRate', 'paymentTimeout', 'maxRetryWait'])
const show = (k: string, v: unknown): string => (DURATIONS.has(k) ? formatDuration(v as number) : String(v))

export async function configCheck(opts: ConfigCheckOptions): Promise<void> {
  const config = loadConfigFromFlags(opts)
  const sides: SideReport[] = []
  const problems: string[] = []
  if (!opts.offline) {
    for (const [i, creds] of config.lightningNodes.entries()) {
      let node: LndNode | undefined
      try {
        node = await LndNode.connect(creds)
        for (const ch of await node.getChannels()) {
          const { settings, sources } = resolveWithSources(config.limits, {
            alias: node.identity.alias,
            channelId: ch.id
          })
          sides.push({ node: node.identity.alias, channelId: ch.id, partner: ch.remotePublicKey, settings, sources })
        }
      } catch (err) {
        problems.push(`lightningNodes[${i}] (${creds.socket}): ${(err as Error).message}`)
      } finally {
        await node?.stop()
      }
    }
  }
  if (opts.json) {
    console.log(
      JSON.stringify(
        {
          valid: true,
          baseSettings: config.limits.baseSettings,
          idSettings: config.limits.idSettings,
          channels: sides,
          problems
        },
        null,
        2
      )
    )
  } else {
    const swarm = config.swarm.bootstrap.length ? `bootstrap ${config.swarm.bootstrap.join(', ')}` : 'on the public DHT'
    console.log(
      `configuration is valid: ${config.lightningNodes.length} node(s), ` +
        `${config.limits.idSettings.length} override(s), swarm ${swarm}`
    )
    console.log('\nbase settings:')
    for (const [k, v] of Object.entries(config.limits.baseSettings)) console.log(`  ${k.padEnd(26)} ${show(k, v)}`)
    for (const side of sides) {
      console.log(`\n${side.node} on ${side.channelId} (partner ${side.partner.slice(0, 16)}…):`)
      for (const [k, v] of Object.entries(side.settings))
        console.log(
          `  ${k.padEnd(26)} ${show(k, v).padEnd(12)} ${side.sources[k] === 'base' ? '' : `from ${side.sources[k]}`}`
        )
    }
    for (const p of problems) console.error(`problem: ${p}`)
  }
  if (problems.length > 0) process.exitCode = 1
}
