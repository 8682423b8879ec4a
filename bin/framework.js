#!/usr/bin/env node
// The `framework` command. Plain JavaScript so it runs without a build step: it registers tsx's
// loader, then imports the TypeScript entry point (framework/cli/main.ts) and runs it. The path is
// relative to this file, so it works from this checkout and from a project that depends on us.
import { register } from 'tsx/esm/api'

// Processes this one forks (serve's workers) start from process.execArgv: give them tsx's loader
// too, by absolute URL so it resolves from a project that depends on us. Skipped when the process
// was already started with it (`node --import tsx bin/...`).
if (!process.execArgv.some((arg) => /\btsx\b/.test(arg))) {
  process.execArgv.push('--import', import.meta.resolve('tsx'))
  register()
}
const { runProcess } = await import('../framework/cli/main.ts')
await runProcess(process.argv.slice(2))
