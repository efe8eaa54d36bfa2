import { status } from '@grpc/grpc-js'

/** An error the server sends as a gRPC status: LND's code and its exact `details` string. */
export class RpcError extends Error {
  constructor(
    readonly code: status,
    readonly details: string
  ) {
    super(details)
  }
}

export const unknown = (details: string): RpcError => new RpcError(status.UNKNOWN, details)
export const notFound = (details: string): RpcError => new RpcError(status.NOT_FOUND, details)
export const invalid = (details: string): RpcError => new RpcError(status.INVALID_ARGUMENT, details)

export function toStatus(err: unknown): { code: status; details: string } {
  if (err instanceof RpcError) return { code: err.code, details: err.details }
  const e = err as { grpcCode?: number; message?: string }
  if (typeof e?.grpcCode === 'number') return { code: e.grpcCode, details: e.message ?? 'error' }
  return { code: status.UNKNOWN, details: e?.message ?? String(err) }
}
