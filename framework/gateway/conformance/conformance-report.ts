/**
 * @module ConformanceReport: the rows of one run against one host, and format() for a printed grid.
 */
import type { ConformanceRow } from './conformance-types.ts'

/**
 * The outcome of runConformance: one row per check, in order.
 *
 * @example
 * ```ts
 * const report = await runConformance(host)
 * console.log(report.format())
 * if (report.failed.length > 0) process.exitCode = 1
 * ```
 */
export class ConformanceReport {
  /** The host's name. */
  readonly host: string
  readonly rows: readonly ConformanceRow[]

  constructor(host: string, rows: readonly ConformanceRow[]) {
    this.host = host
    this.rows = rows
  }

  /** The row of one check id, or undefined when it did not run. */
  row(id: string): ConformanceRow | undefined {
    return this.rows.find((row) => row.id === id)
  }

  /** The rows that failed. */
  get failed(): ConformanceRow[] {
    return this.rows.filter((row) => row.outcome === 'fail')
  }

  /** A plain-text grid: a summary line, then one line per check, reasons indented below. */
  format(): string {
    const count = (outcome: string): number =>
      this.rows.filter((row) => row.outcome === outcome).length
    const width = Math.max(...this.rows.map((row) => row.id.length), 2)
    const lines = [
      `Gateway conformance of ${this.host}: ${count('pass')} pass, ${count('fail')} fail, ${count('n/a')} n/a`,
      `  ${'id'.padEnd(width)}  outcome  ms     title`,
    ]
    for (const row of this.rows) {
      const mark =
        row.outcome === 'pass' ? 'pass   ' : row.outcome === 'fail' ? 'FAIL   ' : 'n/a    '
      lines.push(`  ${row.id.padEnd(width)}  ${mark}  ${String(row.ms).padStart(5)}  ${row.title}`)
      if (row.reason) lines.push(`  ${' '.repeat(width)}           └ ${row.reason}`)
    }
    return lines.join('\n')
  }
}
