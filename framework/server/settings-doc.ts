/**
 * @module The settings table of docs/server.md, generated from SETTINGS (one declaration per
 * option). `npx tsx framework/server/settings-doc.ts` rewrites the section between the markers;
 * test/docs/server-docs.test.ts fails when the committed section is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { SETTINGS, type SettingSpec } from './settings.ts'

/** The markers around the generated section. */
export const SETTINGS_DOC_START =
  '<!-- settings:start (generated from framework/server/settings.ts: run `npx tsx framework/server/settings-doc.ts`, do not edit by hand) -->'
export const SETTINGS_DOC_END = '<!-- settings:end -->'

function shownDefault(spec: SettingSpec<unknown>): string {
  const value = spec.default
  if (value === undefined) return '(unset)'
  if (spec.kind === 'mode') return `\`${(value as number).toString(8).padStart(4, '0')}\``
  if (Array.isArray(value)) return value.map((v) => `\`${String(v)}\``).join(', ')
  return `\`${String(value)}\``
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/**
 * The generated markdown: one table per section, every setting with flag, env, default, description.
 *
 * @example
 * ```ts
 * const markdown = renderSettingsTable()
 * ```
 */
export function renderSettingsTable(): string {
  const out: string[] = []
  let section = ''
  for (const spec of SETTINGS as readonly SettingSpec<unknown>[]) {
    if (spec.section !== section) {
      section = spec.section
      out.push(
        '',
        `### ${section}`,
        '',
        '| setting (config key) | flag | env | default | description |',
        '| --- | --- | --- | --- | --- |',
      )
    }
    const flags = [spec.short, spec.flag]
      .filter(Boolean)
      .map((f) => `\`${f}\``)
      .join(', ')
    out.push(
      `| \`${spec.name}\` | ${flags} | ${spec.env ? `\`${spec.env}\`` : ''} | ${cell(shownDefault(spec))} | ${cell(spec.description)} |`,
    )
  }
  return `${out.join('\n').trim()}\n`
}

/**
 * Replaces the generated section of a markdown text (between the markers).
 *
 * @example
 * ```ts
 * writeFileSync('docs/server.md', withSettingsTable(readFileSync('docs/server.md', 'utf8')))
 * ```
 */
export function withSettingsTable(markdown: string): string {
  const start = markdown.indexOf(SETTINGS_DOC_START)
  const end = markdown.indexOf(SETTINGS_DOC_END)
  if (start < 0 || end < start) {
    throw Object.assign(
      new Error(
        `docs/server.md lacks the markers ${SETTINGS_DOC_START} ... ${SETTINGS_DOC_END}: put them where the settings table goes.`,
      ),
      { code: 'serve.E_DOC_MARKERS' },
    )
  }
  return `${markdown.slice(0, start + SETTINGS_DOC_START.length)}\n\n${renderSettingsTable()}\n${markdown.slice(end)}`
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const doc = fileURLToPath(new URL('../../docs/server.md', import.meta.url))
  writeFileSync(doc, withSettingsTable(readFileSync(doc, 'utf8')))
}
