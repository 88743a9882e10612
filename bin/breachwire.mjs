#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx breachwire …` works right after `npm ci`.
import { register } from 'tsx/esm/api';

// The SDK warns on every start that future versions need Node 22; Lambda runs 22, and the
// local CLI on 20 is supported by the versions locked here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../functions/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
