// A duration setting from the environment, in seconds: a typo stops the process naming the variable.

/** `env[name]` as seconds above 0, or `fallback` when unset. */
export function secondsFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  const seconds = raw ? Number(raw) : fallback;
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new Error(`${name} must be a number of seconds above 0 (got "${env[name]}")`);
  return seconds;
}
