import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'

/**
 * LND's own .proto files, as shipped in the `lightning` package, loaded with the same options the
 * client uses, so both ends agree on every field. Loaded once per process.
 */
const require = createRequire(import.meta.url)
export const PROTOS_DIR = join(dirname(require.resolve('lightning/package.json')), 'grpc', 'protos')

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTOS_DIR]
}

export interface LndServices {
  lightning: grpc.ServiceDefinition
  router: grpc.ServiceDefinition
  invoices: grpc.ServiceDefinition
}

let cached: LndServices | undefined

export function loadLndServices(): LndServices {
  if (cached) return cached
  const def = protoLoader.loadSync(
    ['lightning.proto', 'router.proto', 'invoices.proto'].map((f) => join(PROTOS_DIR, f)),
    LOADER_OPTIONS
  )
  const pkg = grpc.loadPackageDefinition(def) as unknown as Record<
    string,
    Record<string, { service: grpc.ServiceDefinition }>
  >
  const service = (ns: string, name: string): grpc.ServiceDefinition => {
    const s = pkg[ns]?.[name]?.service
    if (!s) throw new Error(`service ${ns}.${name} missing from LND protos in ${PROTOS_DIR}`)
    return s
  }
  cached = {
    lightning: service('lnrpc', 'Lightning'),
    router: service('routerrpc', 'Router'),
    invoices: service('invoicesrpc', 'Invoices')
  }
  return cached
}
