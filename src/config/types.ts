/**
 * Settings in force for one side of one channel, after resolution
 * (base < node alias < channel id < "alias:channelId"). Durations are milliseconds,
 * amounts are satoshis ("tokens"), shares are fractions of the channel (0..1).
 */
export interface Settings {
  maxTransactionSize: number
  minTimeBetweenPayments: number
  limitsPeriod: number
  useRollingLimitsPeriod: boolean
  maxTransactionsPerPeriod: number
  maxAmountPerPeriod: number
  balancePoint: number
  deadzone: number
  refreshRate: number
}
