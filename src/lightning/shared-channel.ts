import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import './shared-protos.js'
import type { AuthenticatedLnd } from 'lightning'

/**
 * The `lightning` client's authenticatedLndGrpc makes one gRPC client per LND service (14 of them),
 * each with its own channel (resolver, load balancer, connection state): about 0.9 MB per node,
 * most of the memory of a 200-node instance. This builds the same object, the same clients from the
 * same parsed protos and credentials, but every client of a node uses one HTTP/2 channel
 * (grpc-js's `channelOverride`). The `lightning` methods see no difference: they only call the
 * clients' methods. Closing the node closes that one channel.
 */
const require = createRequire(import.meta.url)
interface GrpcChannel {
  close(): void
}
interface Grpc {
  Channel: new (target: string, credentials: unknown, options: object) => GrpcChannel
  loadPackageDefinition(
    definition: unknown
  ): Record<string, Record<string, new (target: string, credentials: unknown, options: object) => unknown>>
}
const grpc = require('@grpc/grpc-js') as Grpc
const { loadSync } = require('@grpc/proto-loader') as { loadSync: (path: string, options: object) => unknown }
const grpcCredentials = require('lightning/lnd_grpc/grpc_credentials.js') as (args: {
  cert?: string
  macaroon: string
}) => { credentials: unknown }
const grpcOptions = require('lightning/lnd_grpc/grpc_options.js') as object
const services = require('lightning/grpc/grpc_services.json') as {
  grpcSslCipherSuites: string
  packageTypes: Record<string, string>
  protoFiles: Record<string, string>
  serviceTypes: Record<string, string>
}
const protosDir = join(dirname(require.resolve('lightning/grpc/grpc_services.json')), 'protos')

/** Same limits as the `lightning` client (LND's answers can be large: ListChannels at scale). */
const CHANNEL_OPTIONS = { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 }

/** Each service's client class, built once for all nodes (the parsed protos are shared already). */
const clientClasses = new Map<string, new (target: string, credentials: unknown, options: object) => unknown>()
function clientClass(service: string): new (target: string, credentials: unknown, options: object) => unknown {
  let cls = clientClasses.get(service)
  if (cls === undefined) {
    const file = services.protoFiles[service] as string
    const pkg = services.packageTypes[service] as string
    cls = grpc.loadPackageDefinition(loadSync(join(protosDir, file), grpcOptions))[pkg]?.[service]
    if (cls === undefined) throw new Error(`lightning: no ${pkg}.${service} in ${file}`)
    clientClasses.set(service, cls)
  }
  return cls
}

export interface SharedLnd {
  lnd: AuthenticatedLnd
  /** Closes the node's one channel (every client at once). */
  close(): void
}

/** What authenticatedLndGrpc({ cert, macaroon, socket }).lnd returns, over one channel. Throws on bad credentials. */
export function authenticatedLndOneChannel(creds: { cert: string; macaroon: string; socket: string }): SharedLnd {
  const { credentials } = grpcCredentials({ cert: creds.cert, macaroon: creds.macaroon })
  // As the `lightning` client does: LND's TLS needs these suites.
  if (creds.cert && process.env.GRPC_SSL_CIPHER_SUITES !== services.grpcSslCipherSuites)
    process.env.GRPC_SSL_CIPHER_SUITES = services.grpcSslCipherSuites
  const channel = new grpc.Channel(creds.socket, credentials, CHANNEL_OPTIONS)
  const lnd: Record<string, unknown> = {}
  for (const [type, service] of Object.entries(services.serviceTypes)) {
    const Client = clientClass(service)
    lnd[type] = new Client(creds.socket, credentials, { ...CHANNEL_OPTIONS, channelOverride: channel })
  }
  return {
    lnd: lnd as unknown as AuthenticatedLnd,
    close: () => {
      try {
        channel.close()
      } catch {
        /* already closed */
      }
    }
  }
}
