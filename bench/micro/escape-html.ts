/**
 * @module `npx tsx bench/micro/escape-html.ts`: W3's template (bench/apps/framework/templates/
 * rows.html, 20 rows whose names need escaping) rendered by eta with the framework's escapeHtml
 * and with its previous implementation (one regex replace with a callback per match), in
 * interleaved batches. The before/after figure of the change in docs/benchmarks.md.
 */
import { resolve } from 'node:path'
import { Eta } from 'eta'
import { escapeHtml } from '../../framework/templates/index.ts'

const replacements: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
/** The implementation before the change (without the SafeString branch, which W3 never takes). */
function regexEscape(value: unknown): string {
  if (value === undefined || value === null) return ''
  return String(value).replace(/[&<>"']/g, (ch) => replacements[ch] ?? ch)
}

const rows = Array.from({ length: 20 }, (_, i) => ({
  id: i * 3,
  name: `Row #${i} <b>& "friends"</b>`,
  votes: 50 + i,
}))
const views = resolve(import.meta.dirname, '../apps/framework/templates')
const candidates = [
  {
    label: 'before: regex replace',
    eta: new Eta({ views, cache: true, escapeFunction: regexEscape }),
    samples: [] as number[],
  },
  {
    label: 'after: char-code scan',
    eta: new Eta({ views, cache: true, escapeFunction: escapeHtml }),
    samples: [] as number[],
  },
]
const render = (eta: Eta) => eta.render('rows.html', { title: 'Rows', rows })
if (render(candidates[0]!.eta) !== render(candidates[1]!.eta))
  throw new Error('the two escapes disagree')

for (const c of candidates) for (let i = 0; i < 5000; i++) render(c.eta)
for (let round = 0; round < 200; round++) {
  for (const c of candidates) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < 100; i++) render(c.eta)
    c.samples.push(Number(process.hrtime.bigint() - start) / 1000 / 100)
  }
}
const medians = candidates.map((c) => [...c.samples].sort((a, b) => a - b)[c.samples.length >> 1]!)
candidates.forEach((c, i) =>
  console.log(`${c.label.padEnd(24)} ${medians[i]!.toFixed(2)} µs per render of rows.html`),
)
console.log(`after / before: ${(medians[1]! / medians[0]!).toFixed(2)}x`)
