// `platform up --runtime docker`'s first step: compose/ from the config folder and the state
// folder's secret key. compose/ sits beside config/ (the repository's compose/ by default).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlatformConfig } from '../config';
import { ensureSecretKey } from '../secret-key';
import { statePaths } from '../state';
import { generateCompose, writeCompose, type GeneratedCompose } from './compose-file';
import { loadDockerResources } from './container-resources';

/** The monorepo: the platform image's build context. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export function composeDirOf(configDir: string): string {
  return path.join(path.dirname(path.resolve(configDir)), 'compose');
}

export interface ComposeFiles {
  composeDir: string;
  composeFile: string;
  envFile: string;
  generated: GeneratedCompose;
}

export function generateComposeFiles(config: PlatformConfig, configDir: string, { engineCpus, composeDir = composeDirOf(configDir) }: { engineCpus?: number; composeDir?: string } = {}): ComposeFiles {
  const generated = generateCompose({
    config,
    resources: loadDockerResources(configDir),
    secretKey: ensureSecretKey(statePaths(config.stateDir).secretKeyFile),
    repoRoot: REPO_ROOT,
    composeDir,
    pnpmVersion: rootPnpmVersion(),
    webapp: existsSync(path.join(REPO_ROOT, 'packages', 'webapp', 'package.json')),
    engineCpus,
  });
  return { composeDir, ...writeCompose(generated, composeDir), generated };
}

/** package.json's `packageManager: pnpm@X`: the pnpm the platform image installs. */
export function rootPnpmVersion(): string {
  const { packageManager } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string };
  return packageManager.replace(/^pnpm@/, '');
}
