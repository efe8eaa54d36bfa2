/**
 * LND's GetInfo names its chain by the genesis block hash (as the `lightning` client returns it,
 * byte-reversed); BOLT11 invoices name it by their prefix, which the `invoices` parser turns into
 * these names. The payer compares the two, so an invoice for another network is refused.
 */
const NETWORK_BY_CHAIN_ID: Record<string, string> = {
  '6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000': 'bitcoin',
  '43497fd7f826957108f4a30fd9cec3aeba79972084e90ead01ea330900000000': 'testnet',
  // testnet4 invoices use testnet's "tb" prefix
  '43f08bdab050e35b567c864b91f47f50ae725ae2de53bcfbbaf284da00000000': 'testnet',
  f61eee3b63a380a477a063af32b2bbc97c9ff9f01f2c4225e973988108000000: 'signet',
  '06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f': 'regtest'
}

/** The invoice network of a node from GetInfo's chains; undefined if none or unknown. */
export function networkOfChains(chains: readonly string[]): string | undefined {
  for (const id of chains) {
    const network = NETWORK_BY_CHAIN_ID[id.toLowerCase()]
    if (network !== undefined) return network
  }
  return undefined
}
