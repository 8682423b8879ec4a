/**
 * docs/gateway.md lists every validator code, and only those: the table between its
 * `validator-codes` markers must match validatorCodes (code, side, summary), no other part of the
 * document may cite a code that does not exist, and the checklist at the top of validator.ts
 * follows the table's order.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readdirSync } from 'node:fs'
import { hostErrorCodes, validatorCodes } from '../../framework/gateway/index.ts'

const root = resolve(import.meta.dirname, '../..')
const doc = readFileSync(resolve(root, 'docs/gateway.md'), 'utf8')
const start = '<!-- validator-codes:start -->'
const end = '<!-- validator-codes:end -->'

/** The rows of the table between the markers: `| GW-A05 | application | summary |`. */
function tableRows(): { code: string; side: string; summary: string }[] {
  const from = doc.indexOf(start)
  const to = doc.indexOf(end)
  if (from < 0 || to < from) return []
  return doc
    .slice(from + start.length, to)
    .split('\n')
    .filter((line) => /^\|\s*`?GW-/.test(line))
    .map((line) => {
      const [code = '', side = '', summary = ''] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/^`|`$/g, ''))
      return { code, side, summary }
    })
}

const codePattern = /\bGW-[AS][0-9]{2}\b/g

describe('docs/gateway.md validator codes', () => {
  it('has the start and end markers, once each and in order', () => {
    expect(doc.split(start).length - 1).toBe(1)
    expect(doc.split(end).length - 1).toBe(1)
    expect(doc.indexOf(start)).toBeLessThan(doc.indexOf(end))
  })

  it('lists every code of validatorCodes in its table, and no code that does not exist', () => {
    const listed = tableRows().map((row) => row.code)
    expect([...listed].sort()).toEqual(Object.keys(validatorCodes).sort())
  })

  it('lists each code once, in the order of validatorCodes', () => {
    expect(tableRows().map((row) => row.code)).toEqual(Object.keys(validatorCodes))
  })

  it('gives each code its side and summary exactly as validatorCodes says', () => {
    const expected = Object.entries(validatorCodes).map(([code, rule]) => ({
      code,
      side: rule.side,
      summary: rule.summary.replaceAll('|', '\\|'),
    }))
    // On failure the message carries the table to paste between the markers.
    const table = [
      '| Code | Side | Rule |',
      '| --- | --- | --- |',
      ...expected.map((row) => `| \`${row.code}\` | ${row.side} | ${row.summary} |`),
    ].join('\n')
    expect(tableRows(), `docs/gateway.md's table should read:\n${table}\n`).toEqual(expected)
  })

  it('cites every code in the prose too, at the rule it enforces', () => {
    const prose = doc.slice(0, doc.indexOf(start))
    const cited = new Set(prose.match(codePattern) ?? [])
    expect(Object.keys(validatorCodes).filter((code) => !cited.has(code))).toEqual([])
  })

  it('cites no unknown code anywhere in the document', () => {
    const cited = new Set(doc.match(codePattern) ?? [])
    const unknown = [...cited].filter((code) => !(code in validatorCodes))
    expect(unknown).toEqual([])
  })

  it("orders the validator.ts checklist as the documentation's table", () => {
    const source = readFileSync(resolve(root, 'framework/gateway/validator.ts'), 'utf8')
    const header = source.slice(0, source.indexOf('*/'))
    const checklist = [...new Set(header.match(codePattern) ?? [])]
    expect(checklist).toEqual(Object.keys(validatorCodes))
  })
})

describe('docs/gateway.md host codes', () => {
  const hostStart = '<!-- host-codes:start -->'
  const hostEnd = '<!-- host-codes:end -->'
  const table = doc.slice(doc.indexOf(hostStart), doc.indexOf(hostEnd))
  const documented = new Map(
    table
      .split('\n')
      .filter((line) => /^\|\s*`GW-/.test(line))
      .map((line) => {
        const [code = '', summary = ''] = line.split('|').slice(1, -1).map((cell) => cell.trim().replace(/^`|`$/g, ''))
        return [code, summary] as const
      }),
  )

  it('lists hostErrorCodes with their summaries', () => {
    expect(doc.indexOf(hostStart)).toBeGreaterThan(0)
    for (const [code, summary] of Object.entries(hostErrorCodes)) {
      expect(documented.get(code), code).toBe(summary.replace(/\|/g, '\\|'))
    }
  })

  it('documents every GW-H, GW-C and GW-L code the gateway source raises', () => {
    const dir = resolve(root, 'framework/gateway')
    const source = readdirSync(dir, { recursive: true })
      .map(String)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => readFileSync(resolve(dir, name), 'utf8'))
      .join('\n')
    const raised = new Set(source.match(/\bGW-[HCL][0-9]{2}\b/g) ?? [])
    expect(raised.size).toBeGreaterThan(15)
    const missing = [...raised].filter((code) => !doc.includes(code))
    expect(missing).toEqual([])
  })
})
