import { randomBytes } from 'node:crypto'
import * as grpc from '@grpc/grpc-js'
import type { SimNetwork, SimNode } from '../model/network.js'
import { createTlsIdentity } from '../crypto/tls.js'
import {
  ADMIN_PERMISSIONS,
  REQUIRED_PERMISSIONS,
  hasPermissions,
  macaroonFromMetadata,
  mintMacaroon,
  permissionDeniedMessage,
  verifyMacaroon
} from '../crypto/macaroon.js'
import { loadLndServices } from './proto.js'
import { toStatus, unknown } from './rpc-error.js'
import { lightningService } from './lightning-service.js'
import { routerService } from './router-service.js'
import { invoicesService } from './invoices-service.js'

/** What a service handler gets: the network, the node it serves, and a way to end a stream on shutdown. */
export interface ServiceContext {
  network: SimNetwork
  node: SimNode
}

export type UnaryHandler = (req: any, ctx: ServiceContext) => unknown | Promise<unknown>
/** Starts a server stream; returns the cleanup to run when the call ends for any reason. */
export type StreamHandler = (req: any, call: grpc.ServerWritableStream<any, any>, ctx: ServiceContext) => () => void

export interface ServiceImpl {
  unary: Record<string, UnaryHandler>
  stream: Record<string, StreamHandler>
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * One simulated LND node's gRPC endpoint: its own TLS certificate and admin macaroon, LND's
 * Lightning, Router and Invoices services on 127.0.0.1, and macaroon checks as LND makes them.
 * It can stop and start again on the same port (a node going offline and coming back).
 */
export class NodeServer {
  port = 0
  readonly calls = new Map<string, number>()
  private server: grpc.Server | undefined
  private readonly cleanups = new Set<() => void>()

  private constructor(
    readonly network: SimNetwork,
    readonly node: SimNode,
    readonly certPem: string,
    private readonly keyPem: string,
    private readonly rootKey: Uint8Array,
    readonly macaroon: Buffer
  ) {}

  static async create(network: SimNetwork, node: SimNode): Promise<NodeServer> {
    const tls = await createTlsIdentity(['127.0.0.1', 'localhost'])
    const rootKey = randomBytes(32)
    const macaroon = mintMacaroon({ rootKey, permissions: ADMIN_PERMISSIONS })
    return new NodeServer(network, node, tls.certPem, tls.keyPem, rootKey, macaroon)
  }

  get socket(): string {
    return `127.0.0.1:${this.port}`
  }
  get running(): boolean {
    return this.server !== undefined
  }

  /** Bakes a macaroon with only these permissions (for least-privilege tests). */
  bakeMacaroon(permissions: Array<{ entity: string; action: string }>): Buffer {
    return mintMacaroon({ rootKey: this.rootKey, permissions })
  }

  totalCalls(): number {
    let n = 0
    for (const c of this.calls.values()) n += c
    return n
  }

  async start(): Promise<void> {
    if (this.server) return
    const services = loadLndServices()
    const server = new grpc.Server({ 'grpc.max_receive_message_length': 200 * 1024 * 1024 })
    const ctx: ServiceContext = { network: this.network, node: this.node }
    server.addService(services.lightning, this.bind('lnrpc.Lightning', lightningService, ctx))
    server.addService(services.router, this.bind('routerrpc.Router', routerService, ctx))
    server.addService(services.invoices, this.bind('invoicesrpc.Invoices', invoicesService, ctx))
    const creds = grpc.ServerCredentials.createSsl(
      null,
      [{ private_key: Buffer.from(this.keyPem), cert_chain: Buffer.from(this.certPem) }],
      false
    )
    this.port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${this.port}`, creds, (err, port) => (err ? reject(err) : resolve(port)))
    })
    this.server = server
  }

  /** Stops serving at once, as a crashed or stopped LND would: open streams end with an error. */
  async stop(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    for (const cleanup of this.cleanups) cleanup()
    this.cleanups.clear()
    server.forceShutdown()
  }

  private bind(serviceName: string, impl: ServiceImpl, ctx: ServiceContext): grpc.UntypedServiceImplementation {
    const out: grpc.UntypedServiceImplementation = {}
    for (const [name, handler] of Object.entries(impl.unary)) {
      const path = `/${serviceName}/${name}`
      out[name] = (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
        this.admit(path, call.metadata)
          .then(async () => handler(call.request, ctx))
          .then(
            (res) => callback(null, res as object),
            (err: unknown) => callback(toStatus(err))
          )
      }
    }
    for (const [name, handler] of Object.entries(impl.stream)) {
      const path = `/${serviceName}/${name}`
      out[name] = (call: grpc.ServerWritableStream<any, any>) => {
        this.admit(path, call.metadata).then(
          () => {
            if (call.cancelled) return
            const cleanup = handler(call.request, call, ctx)
            let done = false
            const end = (): void => {
              if (done) return
              done = true
              this.cleanups.delete(end)
              cleanup()
            }
            this.cleanups.add(end)
            call.on('cancelled', end)
            call.on('close', end)
            call.on('finish', end)
            call.on('error', end)
          },
          (err: unknown) => call.emit('error', toStatus(err))
        )
      }
    }
    return out
  }

  /** Counts the call, applies injected latency, and checks the macaroon like LND does. */
  private async admit(path: string, metadata: grpc.Metadata): Promise<void> {
    this.calls.set(path, (this.calls.get(path) ?? 0) + 1)
    const latency = this.network.faults.rpcLatency(this.node.alias, path.slice(path.lastIndexOf('/') + 1))
    if (latency > 0) await sleep(latency)
    const found = macaroonFromMetadata(metadata.get('macaroon').map(String))
    if (!found.ok) throw unknown(found.error)
    const verified = verifyMacaroon(found.bytes, this.rootKey)
    if (!verified.ok) throw unknown(verified.error)
    const required = REQUIRED_PERMISSIONS[path]
    if (!required) throw unknown(`unknown permissions required for method ${path}`)
    if (!hasPermissions(verified.permissions, required)) throw unknown(permissionDeniedMessage)
  }
}
