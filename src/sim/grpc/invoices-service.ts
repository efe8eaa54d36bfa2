import type { ServerWritableStream } from '@grpc/grpc-js'
import type { ServiceContext, ServiceImpl } from './node-server.js'
import { invoiceToRpc } from './mappers.js'
import { paymentHashFrom } from './pay-req.js'
import { notFound, toStatus, unknown } from './rpc-error.js'
import type { SimInvoice } from '../model/invoices.js'

/** LND sends the invoice's current state at once, then every change; an unknown hash stays silent. */
function subscribeSingleInvoice(req: { r_hash: Buffer }, call: ServerWritableStream<any, any>, ctx: ServiceContext) {
  let hash: string
  try {
    hash = paymentHashFrom(req.r_hash)
  } catch (err) {
    call.emit('error', toStatus(err))
    return () => {}
  }
  const current = ctx.node.invoices.get(hash)
  if (current) call.write(invoiceToRpc(current))
  const onUpdate = (inv: SimInvoice): void => {
    if (inv.paymentHash !== hash) return
    call.write(invoiceToRpc(inv))
    if (inv.state === 'SETTLED' || inv.state === 'CANCELED') call.end()
  }
  ctx.node.invoices.on('update', onUpdate)
  return () => {
    ctx.node.invoices.off('update', onUpdate)
  }
}

function cancelInvoice(req: { payment_hash: Buffer }, ctx: ServiceContext) {
  const invoice = ctx.node.invoices.get(paymentHashFrom(req.payment_hash))
  if (!invoice) throw notFound('unable to locate invoice')
  if (invoice.state === 'SETTLED') throw unknown('invoice already settled')
  ctx.node.invoices.cancel(invoice)
  return {}
}

export const invoicesService: ServiceImpl = {
  unary: { CancelInvoice: cancelInvoice },
  stream: { SubscribeSingleInvoice: subscribeSingleInvoice }
}
