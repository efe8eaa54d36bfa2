/**
 * An error clnrest answers with: the HTTP status and lightningd's `{code, message, data}` (all
 * three keys always present, `null` when empty: serde of cln_rpc::RpcError).
 */
export class ClnError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
    readonly data: unknown = null
  ) {
    super(message)
  }

  body(): { code: number | null; message: string; data: unknown } {
    return { code: this.code, message: this.message, data: this.data }
  }
}

/** Any RPC error that is not a rune refusal or an unknown method: HTTP 500 (contract §1.3). */
export const rpcError = (code: number, message: string, data: unknown = null): ClnError =>
  new ClnError(500, code, message, data)

/** JSONRPC2_INVALID_PARAMS, as lightningd's param parsers word it: `<name>: should be <what>: <got>`. */
export const invalidParam = (name: string, what: string, got?: unknown): ClnError =>
  rpcError(-32602, `${name}: should be ${what}${got === undefined ? '' : `: invalid token '${JSON.stringify(got)}'`}`)

export const notPermitted = (reason: string): ClnError => new ClnError(401, 1502, `Not permitted: ${reason}`)
export const notAuthorized = (reason: string): ClnError => new ClnError(401, 1501, `Not authorized: ${reason}`)
