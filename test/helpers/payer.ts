import { AuditLog } from '../../src/ledger/audit-log.js'
import { connectNode } from '../../src/lightning/connect-node.js'
import type { LightningNode } from '../../src/lightning/types.js'
import { lightningNodeEntry } from '../../src/demo/node-entry.js'
import { PayerService } from '../../src/daemon/payer-service.js'
import type { PayResponse } from '../../src/core/payment.js'
import type { Settings } from '../../src/config/types.js'
import type { TransactionRecord } from '../../src/ledger/types.js'
import type { SimCluster } from '../../src/sim/cluster.js'
import { BASE_SETTINGS, tempDir } from './daemon.js'

/**
 * The payer side of one instance for tests of the payer's money safety: real LND connections to
 * simulated nodes (gRPC, TLS, macaroons), one real audit ledger in a temp dir shared by the payer
 * services of all its nodes (as the daemon has it), and the events they emit.
 */
export class PayerHarness {
  readonly payers = new Map<string, PayerService>()
  readonly nodes = new Map<string, LightningNode>()
  readonly events: Array<{ type: string } & Record<string, unknown>> = []

  private constructor(
    readonly ledger: AuditLog,
    private readonly removeDir: () => Promise<void>,
    private readonly settings: Settings
  ) {}

  static async start(cluster: SimCluster, aliases: string[], settings: Partial<Settings> = {}): Promise<PayerHarness> {
    const dir = await tempDir('tightrope-payer-')
    const ledger = await AuditLog.open({
      storagePath: dir.path,
      eventLogName: 'event-log',
      transactionLogName: 'transaction-log',
      shouldMask: []
    })
    const h = new PayerHarness(ledger, dir.remove, { ...BASE_SETTINGS, ...settings })
    try {
      for (const alias of aliases) {
        // LND or CLN, as nodes.json says: the entry an operator would write, through the same factory.
        const node = await connectNode(lightningNodeEntry(cluster.nodeConnection(alias)))
        h.nodes.set(alias, node)
        h.payers.set(
          alias,
          new PayerService(
            node,
            ledger,
            () => h.settings,
            (type, fields) => {
              h.events.push({ type, ...fields })
            }
          )
        )
      }
    } catch (err) {
      await h.stop()
      throw err
    }
    return h
  }

  node(alias: string): LightningNode {
    return this.nodes.get(alias) as LightningNode
  }

  /** `requester` (any connected node) asks our `alias` to pay `request` over `channelId`. */
  ask(
    alias: string,
    requester: LightningNode,
    channelId: string,
    request: string,
    tokens: number
  ): Promise<PayResponse> {
    const payer = this.payers.get(alias)
    if (!payer) throw new Error(`no payer for ${alias}`)
    return payer.handle({
      channelId,
      requesterPublicKey: requester.identity.publicKey,
      payerPublicKey: this.node(alias).identity.publicKey,
      request,
      tokens
    })
  }

  /** The payer entries of one payment hash, in ledger order. */
  entries(paymentHash: string): TransactionRecord[] {
    return this.ledger
      .allTransactions()
      .filter((t) => t.role === 'payer' && t.paymentHash?.toLowerCase() === paymentHash.toLowerCase())
  }

  async stop(): Promise<void> {
    for (const node of this.nodes.values()) await node.stop()
    await this.ledger.close()
    await this.removeDir()
  }
}

/** A node's local balance on a channel, by the simulator's ground truth. */
export function balanceOf(
  cluster: SimCluster,
  channelId: string,
  alias: string
): { local: number; total: number; htlcs: number } {
  const ch = cluster.channels().find((c) => c.id === channelId)
  if (!ch) throw new Error(`no channel ${channelId}`)
  const local = ch.from === alias ? ch.fromBalance : ch.toBalance
  return { local, total: ch.fromBalance + ch.toBalance, htlcs: ch.pendingHtlcs }
}
