#!/usr/bin/env node
// The `serve` command: the same as `framework serve ...` (Gunicorn-style name for the bundled
// production server). Registers tsx, then runs the `serve` entry of framework/cli/main.ts's table.
import { register } from 'tsx/esm/api'

register()
const { runProcess } = await import('../framework/cli/main.ts')
await runProcess(['serve', ...process.argv.slice(2)])
