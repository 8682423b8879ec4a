#!/usr/bin/env node
// The `framework` command. Plain JavaScript so it runs without a build step: it registers tsx's
// loader, then imports the TypeScript entry point (framework/cli/main.ts) and runs it. The path is
// relative to this file, so it works from this checkout and from a project that depends on us.
import { register } from 'tsx/esm/api'

register()
const { runProcess } = await import('../framework/cli/main.ts')
await runProcess(process.argv.slice(2))
