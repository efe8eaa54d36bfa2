import { loadConfigFromFlags } from '../../config-flags.js'
import { resolveWithSources } from '../../../config/resolve.js'
import { formatDuration } from '../../../config/duration.js'
import type { Settings } from '../../../config/types.js'
import { connectNode } from '../../../lightning/connect-node.js'
import { endpointOf } from '../../../lightning/credentials.js'
import type { LightningNode } from '../../../lightning/types.js'
import { runeReport } from '../../../lightning/cln/rune-report.js'
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
  const warnings: string[] = []
  // A CLN node's rune is read offline: which needed method it refuses, and restrictions that fail calls.
  for (const [i, creds] of config.lightningNodes.entries()) {
    if (creds.type !== 'cln') continue
    const report = runeReport(creds.rune, Math.floor(Date.now() / 1000))
    for (const p of report.problems) problems.push(`lightningNodes[${i}] (${creds.url}): rune: ${p}`)
    for (const w of report.warnings) warnings.push(`lightningNodes[${i}] (${creds.url}): rune: ${w}`)
  }
  if (!opts.offline) {
    for (const [i, creds] of config.lightningNodes.entries()) {
      let node: LightningNode | undefined
      try {
        node = await connectNode(creds)
        for (const ch of await node.getChannels()) {
          const { settings, sources } = resolveWithSources(config.limits, {
            alias: node.identity.alias,
            channelId: ch.id
          })
          sides.push({ node: node.identity.alias, channelId: ch.id, partner: ch.remotePublicKey, settings, sources })
        }
      } catch (err) {
        problems.push(`lightningNodes[${i}] (${endpointOf(creds)}): ${(err as Error).message}`)
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
          problems,
          warnings
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
    for (const w of warnings) console.error(`warning: ${w}`)
    for (const p of problems) console.error(`problem: ${p}`)
  }
  if (problems.length > 0) process.exitCode = 1
}
