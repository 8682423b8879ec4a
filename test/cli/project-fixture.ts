/**
 * @module A small project in a temporary folder for the project commands' tests: settings with
 * an absolute SQLite path, a `shop` app (Category, Item with a foreign key, a datetime and a
 * many-to-many), two app commands (one that works, one that fails to load), and helpers to run
 * `framework` in process (main() with collecting streams) or as a child process.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { CommandContext } from '../../framework/cli/command.ts'
import { main } from '../../framework/cli/main.ts'

export const repo = resolve(import.meta.dirname, '../..')

const files: Record<string, string> = {
  'package.json': '{ "type": "module" }\n',
  'project/settings.ts': `import { defineSettings } from '${repo}/framework/index.ts'
export const settings = defineSettings({
  DEBUG: true,
  SECRET_KEY: 'test-key',
  INSTALLED_APPS: ['shop'],
  ROOT_URLCONF: 'project/urls.ts',
  DATABASES: { default: { URL: 'sqlite:' + new URL('../db.sqlite3', import.meta.url).pathname } },
}, { env: {} })
`,
  'project/urls.ts': 'export const urlpatterns = []\n',
  'shop/models.ts': `import { defineModel, fields } from '${repo}/framework/db/index.ts'
export const Tag = defineModel('Tag', { name: fields.char({ maxLength: 20 }) }, { appLabel: 'shop' })
export const Category = defineModel('Category', { name: fields.char({ maxLength: 50 }) }, { appLabel: 'shop' })
export const Item = defineModel('Item', {
  category: fields.foreignKey(() => Category, { onDelete: 'CASCADE' }),
  name: fields.char({ maxLength: 50 }),
  addedAt: fields.dateTime(),
  tags: fields.manyToMany(() => Tag),
}, { appLabel: 'shop' })
`,
  'shop/commands/countitems.ts': `import type { AppCommand } from '${repo}/framework/cli/index.ts'
import { Item } from '../models.ts'
export const command: AppCommand = {
  summary: 'Print how many items there are.',
  usage: 'framework countitems',
  help: 'Counts the items.',
  async run(argv, ctx) {
    ctx.stdout.write(\`items: \${await Item.objects.count()} \${argv.join(',')}\\n\`)
    return 0
  },
}
`,
  'shop/commands/broken.ts': `export const command = {\n  summary: 'oops',\n  run( {\n}\n`,
}

/** Writes the project into a fresh temporary folder and returns it. */
export function makeProject(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cli-project-'))
  for (const [path, text] of Object.entries({ ...files, ...extra })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

/** Runs `framework ...argv` in process with `cwd`; resolves to the exit code and the output. */
export async function run(cwd: string, ...argv: string[]) {
  const out = { stdout: '', stderr: '' }
  const sink = (key: 'stdout' | 'stderr') => ({
    write(chunk: string | Uint8Array) {
      out[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
      return true
    },
  })
  const ctx: CommandContext = {
    cwd,
    env: {},
    stdout: sink('stdout'),
    stderr: sink('stderr'),
    stdin: [][Symbol.iterator]() as never,
  }
  const code = await main(argv, ctx)
  return { code, ...out }
}

/** Runs bin/framework.js as a child process in `cwd`, with `input` on its stdin. */
export function runBin(
  cwd: string,
  argv: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      process.execPath,
      [join(repo, 'bin/framework.js'), ...argv],
      { cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolvePromise({ code, stdout, stderr })
      },
    )
    child.stdin?.end(options.input ?? '')
  })
}
