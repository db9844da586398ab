// Log sequence numbers: Postgres writes them "16/B374D848"; compared and stored as bigints.

export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match) throw new Error(`Not an LSN: "${text}"`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** A record's `_ab_cdc_lsn`, a JSON number as in Airbyte (exact below 2^53 bytes of WAL, 8 PiB). */
export const lsnNumber = (lsn: bigint) => Number(lsn);
