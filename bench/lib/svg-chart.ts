/**
 * @module The chart of a run: requests/s per configuration, grouped by workload, as a plain SVG
 * (no dependency). Bars use a log scale: CGI is three orders of magnitude below the rest, and on
 * a linear axis it would not show at all.
 */

export interface ChartBar {
  label: string
  value: number
  /** Colour family: ours, the baseline, or a peer. */
  family: 'ours' | 'baseline' | 'peer' | 'python' | 'cgi'
}

export interface ChartGroup {
  title: string
  bars: ChartBar[]
}

const COLORS: Record<ChartBar['family'], string> = {
  ours: '#2563eb',
  baseline: '#6b7280',
  peer: '#16a34a',
  python: '#9333ea',
  cgi: '#dc2626',
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** 12,345 for large values; two significant digits below 10 (CGI's 0.21 must not read 0). */
const label = (v: number) => (v < 10 ? v.toPrecision(2) : Math.round(v).toLocaleString('en-US'))

/** Renders `groups` as an SVG document (horizontal bars, log10 axis, values printed). */
export function renderChart(title: string, groups: readonly ChartGroup[]): string {
  const labelWidth = 250
  const plotWidth = 560
  const rowHeight = 20
  const width = labelWidth + plotWidth + 90
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0)
  const min = 10 ** Math.floor(Math.log10(Math.min(1, ...values)))
  const max = 10 ** Math.ceil(Math.log10(Math.max(10, ...values)))
  const x = (v: number) =>
    labelWidth + (plotWidth * Math.log10(Math.max(v, min) / min)) / Math.log10(max / min)
  const out: string[] = []
  let y = 40
  for (const group of groups) {
    out.push(`<text x="8" y="${y + 14}" font-weight="bold">${escape(group.title)}</text>`)
    y += 22
    for (const bar of group.bars) {
      const w = Math.max(1, x(bar.value) - labelWidth)
      out.push(
        `<text x="${labelWidth - 6}" y="${y + 14}" text-anchor="end">${escape(bar.label)}</text>`,
        `<rect x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 6}" fill="${COLORS[bar.family]}"/>`,
        `<text x="${(labelWidth + w + 4).toFixed(1)}" y="${y + 14}">${label(bar.value)}</text>`,
      )
      y += rowHeight
    }
    y += 10
  }
  const ticks: string[] = []
  for (let v = min; v <= max; v *= 10) {
    const tx = x(v).toFixed(1)
    ticks.push(
      `<line x1="${tx}" y1="34" x2="${tx}" y2="${y}" stroke="#e5e7eb"/>`,
      `<text x="${tx}" y="${y + 14}" text-anchor="middle" fill="#6b7280">${v.toLocaleString('en-US')}</text>`,
    )
  }
  const height = y + 40
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="20" font-size="15" font-weight="bold">${escape(title)}</text>`,
    ...ticks,
    ...out,
    `<text x="${labelWidth}" y="${y + 32}" fill="#6b7280">requests/s, median of rounds (log scale)</text>`,
    '</svg>',
    '',
  ].join('\n')
}
