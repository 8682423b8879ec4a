/**
 * @module Runs `framework` commands given as a JSON list of argv arrays, one after the other,
 * through the CLI's main() in this process, and prints their exit codes and output as JSON after
 * a `@@results ` marker (see project.ts `commands`).
 */
import { main } from '../../../framework/cli/main.ts'

const list = JSON.parse(process.argv[2] ?? '[]') as string[][]
const results: { code: number; stdout: string; stderr: string }[] = []
for (const argv of list) {
  const out = { stdout: '', stderr: '' }
  const sink = (key: 'stdout' | 'stderr') => ({
    write(chunk: string | Uint8Array) {
      out[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
      return true
    },
  })
  const code = await main(argv, {
    cwd: process.cwd(),
    env: process.env,
    stdout: sink('stdout'),
    stderr: sink('stderr'),
    stdin: (async function* () {})(),
  })
  results.push({ code, ...out })
}
process.stdout.write(`\n@@results ${JSON.stringify(results)}\n`)
process.exit(0)
