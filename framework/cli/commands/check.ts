/**
 * @module `framework check [--deploy]`: runs the system checks (framework/conf's registry) on the
 * project's settings and prints each finding with its id, as Django's `check` does.
 */
import { builtinChecks, deployChecks } from '../../conf/index.ts'
import type { CheckMessage, Settings } from '../../conf/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { DEFAULT_SETTINGS, loadSettings, ProjectLoadError } from '../dev-server/project-loading.ts'

/**
 * The findings `check` reports. Without `deploy`, the `security.*` ids are left out: they judge a
 * production configuration (DEBUG on, a short key), and a development project has them by design.
 *
 * @example
 * ```ts
 * runChecks(settings, { deploy: true }).map((m) => m.id) // ['security.W002', 'security.W008', ...]
 * ```
 */
export function runChecks(settings: Settings, options: { deploy?: boolean } = {}): CheckMessage[] {
  const registry = options.deploy ? deployChecks(builtinChecks()) : builtinChecks()
  const findings = registry.run(settings)
  const kept = options.deploy ? findings : findings.filter((m) => !m.id.startsWith('security.'))
  const seen = new Set<string>()
  return kept.filter((m) => {
    const key = `${m.id}\n${m.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * The report Django prints: findings grouped by level, each `id: message` with its hint, then a
 * count.
 *
 * @example
 * ```ts
 * formatCheckReport([]) // 'System check identified no issues.\n'
 * ```
 */
export function formatCheckReport(findings: readonly CheckMessage[]): string {
  if (findings.length === 0) return 'System check identified no issues.\n'
  const groups: [CheckMessage['level'], string][] = [
    ['error', 'ERRORS'],
    ['warning', 'WARNINGS'],
    ['info', 'INFOS'],
  ]
  const lines = ['System check identified some issues:', '']
  for (const [level, title] of groups) {
    const group = findings.filter((m) => m.level === level)
    if (!group.length) continue
    lines.push(`${title}:`)
    for (const m of group) {
      lines.push(`${m.id}: ${m.message}`)
      if (m.hint) lines.push(`\tHINT: ${m.hint}`)
    }
    lines.push('')
  }
  const n = findings.length
  lines.push(`System check identified ${n} issue${n === 1 ? '' : 's'}.`)
  return `${lines.join('\n')}\n`
}

/** `framework check [--deploy] [--settings MODULE] [--fail-level LEVEL]`. */
export const checkCommand: Command = {
  name: 'check',
  summary: "Run the system checks on the project's settings (--deploy for production ones).",
  usage: 'framework check [--deploy] [--settings MODULE] [--fail-level error|warning]',
  help: [
    'Loads the settings module and runs the system checks, printing each finding with its id',
    '(e.g. urls.E001) and a hint. Exits 1 when a finding is at or above --fail-level (default',
    'error), 0 otherwise.',
    '',
    '  --deploy             add the deployment checks: DEBUG, SECRET_KEY strength, ALLOWED_HOSTS,',
    '                       secure cookies, HSTS and the HTTPS redirect (security.*)',
    `  --settings MODULE    the settings module (default ${DEFAULT_SETTINGS})`,
    '  --fail-level LEVEL   error (default) or warning',
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('check', argv, {
      deploy: { type: 'boolean' },
      settings: { type: 'string' },
      'fail-level': { type: 'string' },
    })
    if (positionals.length) {
      throw new CommandError('CLI-E02', `unexpected argument ${JSON.stringify(positionals[0])}`, {
        hint: 'framework check [--deploy]',
      })
    }
    const failLevel = values['fail-level'] ?? 'error'
    if (failLevel !== 'error' && failLevel !== 'warning') {
      throw new CommandError(
        'CLI-E02',
        `--fail-level must be error or warning, got ${JSON.stringify(failLevel)}`,
        {
          hint: 'framework check --fail-level warning',
        },
      )
    }
    let settings: Settings
    try {
      settings = await loadSettings(ctx.cwd, values.settings)
    } catch (error) {
      if (!(error instanceof ProjectLoadError)) throw error
      throw new CommandError('CLI-E03', error.failure.message, {
        hint: error.failure.hint,
        cause: error,
      })
    }
    const findings = runChecks(settings, { deploy: values.deploy ?? false })
    ctx.stdout.write(formatCheckReport(findings))
    const failing = findings.filter(
      (m) => m.level === 'error' || (failLevel === 'warning' && m.level === 'warning'),
    )
    if (failing.length) {
      throw new CommandError(
        'CLI-E03',
        `system check found ${failing.length} issue${failing.length === 1 ? '' : 's'} at level ${failLevel} or above (${failing.map((m) => m.id).join(', ')})`,
        { hint: 'fix the settings the findings above name, then run framework check again' },
      )
    }
    return 0
  },
}
