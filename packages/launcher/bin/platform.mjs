#!/usr/bin/env node
// `platform` bin: the monorepo ships TypeScript sources, so the CLI runs through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
