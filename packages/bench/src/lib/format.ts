// Number formats shared by result tables.
const MB = 2 ** 20;

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');
export const formatSeconds = (s: number): string => s.toFixed(2);
export const formatMb = (bytes: number): string => (bytes / MB).toFixed(1);
/** Rounded down, so a ratio printed as 0.60× never misses a 0.6× target. */
export const formatRatio = (r: number): string => `${(Math.floor(r * 100) / 100).toFixed(2)}×`;
