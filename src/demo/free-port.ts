import { createServer } from 'node:net'

/** A TCP port free on 127.0.0.1 right now (the OS picks it; we release it for a child to bind). */
export async function freeTcpPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (!address || typeof address === 'string') throw new Error('no TCP port available on 127.0.0.1')
  return address.port
}
