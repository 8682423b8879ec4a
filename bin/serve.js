#!/usr/bin/env node
// The `serve` command: the same as `framework serve ...` (Gunicorn-style name for the bundled
// production server). Registers tsx, then runs the `serve` entry of framework/cli/main.ts's table.
import { register } from 'tsx/esm/api'

// Processes this one forks (serve's workers) start from process.execArgv: give them tsx's loader
// too, by absolute URL so it resolves from a project that depends on us. Skipped when the process
// was already started with it (`node --import tsx bin/...`).
if (!process.execArgv.some((arg) => /\btsx\b/.test(arg))) {
  process.execArgv.push('--import', import.meta.resolve('tsx'))
  register()
}
const { runProcess } = await import('../framework/cli/main.ts')
await runProcess(['serve', ...process.argv.slice(2)])
