// Finds the scenarios: each module in ./scenarios exports `scenario`, and its file name is the
// scenario's name for --only. Only the selected modules are imported, so one scenario's heavy
// dependencies never load (or break) a run of another.
import { readdir } from 'node:fs/promises';
import type { Scenario } from './scenario';

const SCENARIOS_DIR = new URL('./scenarios/', import.meta.url);

export interface NamedScenario extends Scenario {
  name: string;
}

export async function scenarioNames(): Promise<string[]> {
  const files = await readdir(SCENARIOS_DIR);
  return files
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
}

/** The scenarios --only names, in the order given (all when undefined); an unknown name is an error listing the known ones. */
export async function loadScenarios(only: string[] | undefined): Promise<NamedScenario[]> {
  const known = await scenarioNames();
  const names = only ?? known;
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const scenarios: NamedScenario[] = [];
  for (const name of names) {
    const mod = (await import(new URL(`${name}.ts`, SCENARIOS_DIR).href)) as { scenario?: Scenario };
    if (!mod.scenario) throw new Error(`scenarios/${name}.ts must export \`scenario\``);
    scenarios.push({ ...mod.scenario, name });
  }
  return scenarios;
}
