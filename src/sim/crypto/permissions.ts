import type { Permission } from './macaroon-id.js'

/**
 * LND's macaroon permissions (v0.20.1-beta): what admin.macaroon grants (lnd.go adminPermissions =
 * rpcserver.go readPermissions + writePermissions) and what each RPC needs (rpcserver.go
 * MainRPCServerPermissions and each sub-server's macaroonOps table).
 */
export type { Permission }

const ops = (entity: string, ...actions: string[]): Permission[] => actions.map((action) => ({ entity, action }))

export const ADMIN_PERMISSIONS: Permission[] = [
  ...ops('onchain', 'read'),
  ...ops('offchain', 'read'),
  ...ops('address', 'read'),
  ...ops('message', 'read'),
  ...ops('peers', 'read'),
  ...ops('info', 'read'),
  ...ops('invoices', 'read'),
  ...ops('signer', 'read'),
  ...ops('macaroon', 'read'),
  ...ops('onchain', 'write'),
  ...ops('offchain', 'write'),
  ...ops('address', 'write'),
  ...ops('message', 'write'),
  ...ops('peers', 'write'),
  ...ops('info', 'write'),
  ...ops('invoices', 'write'),
  ...ops('signer', 'generate'),
  ...ops('macaroon', 'generate', 'write')
]

/** Keyed by the full gRPC method path, as LND's interceptor looks them up. */
export const REQUIRED_PERMISSIONS: Record<string, Permission[]> = {
  // rpcserver.go
  '/lnrpc.Lightning/GetInfo': ops('info', 'read'),
  '/lnrpc.Lightning/GetChanInfo': ops('info', 'read'),
  '/lnrpc.Lightning/GetNodeInfo': ops('info', 'read'),
  '/lnrpc.Lightning/ListChannels': ops('offchain', 'read'),
  '/lnrpc.Lightning/PendingChannels': ops('offchain', 'read'),
  '/lnrpc.Lightning/ClosedChannels': ops('offchain', 'read'),
  '/lnrpc.Lightning/ChannelBalance': ops('offchain', 'read'),
  '/lnrpc.Lightning/SubscribeChannelEvents': ops('offchain', 'read'),
  '/lnrpc.Lightning/DecodePayReq': ops('offchain', 'read'),
  '/lnrpc.Lightning/ListPayments': ops('offchain', 'read'),
  '/lnrpc.Lightning/AddInvoice': ops('invoices', 'write'),
  '/lnrpc.Lightning/LookupInvoice': ops('invoices', 'read'),
  '/lnrpc.Lightning/ListInvoices': ops('invoices', 'read'),
  '/lnrpc.Lightning/SubscribeInvoices': ops('invoices', 'read'),
  '/lnrpc.Lightning/SignMessage': ops('message', 'write'),
  '/lnrpc.Lightning/VerifyMessage': ops('message', 'read'),
  // lnrpc/routerrpc/router_server.go
  '/routerrpc.Router/SendPaymentV2': ops('offchain', 'write'),
  '/routerrpc.Router/TrackPaymentV2': ops('offchain', 'read'),
  '/routerrpc.Router/TrackPayments': ops('offchain', 'read'),
  '/routerrpc.Router/SubscribeHtlcEvents': ops('offchain', 'read'),
  // lnrpc/invoicesrpc/invoices_server.go
  '/invoicesrpc.Invoices/SubscribeSingleInvoice': ops('invoices', 'read'),
  '/invoicesrpc.Invoices/CancelInvoice': ops('invoices', 'write'),
  '/invoicesrpc.Invoices/SettleInvoice': ops('invoices', 'write'),
  '/invoicesrpc.Invoices/AddHoldInvoice': ops('invoices', 'write'),
  '/invoicesrpc.Invoices/LookupInvoiceV2': ops('invoices', 'write'),
  // lnrpc/walletrpc/walletkit_server.go, lnrpc/chainrpc/chain_server.go
  '/walletrpc.WalletKit/DeriveKey': ops('address', 'read'),
  '/chainrpc.ChainNotifier/RegisterBlockEpochNtfn': ops('onchain', 'read')
}

/** The bakery's ErrPermissionDenied: what LND answers (gRPC UNKNOWN) for a valid macaroon lacking a permission. */
export const PERMISSION_DENIED = 'permission denied'
/** Former name, kept for existing callers. */
export const permissionDeniedMessage = PERMISSION_DENIED

/** LND's interceptor (rpcperms/interceptor.go) for a method missing from its tables. */
export const unknownMethodMessage = (fullMethod: string): string =>
  `${fullMethod}: unknown permissions required for method`

/**
 * LND's CheckMacAuth: every required op must be granted, or else the macaroon must carry the
 * special permission `uri:<full method>` (bakery ops entity "uri", action the method path).
 */
export function hasPermissions(granted: Permission[], required: Permission[], fullMethod?: string): boolean {
  const has = (e: string, a: string): boolean => granted.some((g) => g.entity === e && g.action === a)
  if (required.every((r) => has(r.entity, r.action))) return true
  return fullMethod !== undefined && has('uri', fullMethod)
}
