#!/usr/bin/env node
// The installed `weft` command: lets Node load the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./weft.ts');
