/**
 * @module `new Date(text)` for the one text form the SQLite backend stores datetimes in
 * (`Date.prototype.toISOString()`: `2025-01-31T12:34:56.789Z`), read by position instead of by
 * V8's general date parser: 20 of them (W3's page) in 6.7 instead of 10.2 µs, where they were
 * 8% of a QuerySet list() of W3's rows. Any other text goes to `new Date()` as before, so every
 * input gives the same Date as `new Date(text)`.
 */

// Character codes of the fixed separators in `YYYY-MM-DDTHH:MM:SS.sssZ`.
const SEPARATORS: readonly (readonly [number, number])[] = [
  [4, 45], // -
  [7, 45], // -
  [10, 84], // T
  [13, 58], // :
  [16, 58], // :
  [19, 46], // .
  [23, 90], // Z
]
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** The two decimal digits at `at` as a number, or -1. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48
  const units = text.charCodeAt(at + 1) - 48
  return tens >= 0 && tens <= 9 && units >= 0 && units <= 9 ? tens * 10 + units : -1
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). Why not
 * Date.UTC: it took most of the time saved by not parsing.
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year // years start in March: the leap day comes last
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!
}

/**
 * The Date of an ISO datetime text, exactly as `new Date(text)` gives it.
 *
 * @example
 * ```ts
 * parseIsoDateTime('2025-01-31T12:34:56.789Z').getTime() === Date.UTC(2025, 0, 31, 12, 34, 56, 789)
 * ```
 */
export function parseIsoDateTime(text: string): Date {
  if (text.length !== 24) return new Date(text)
  for (const [at, code] of SEPARATORS) if (text.charCodeAt(at) !== code) return new Date(text)
  const century = twoDigits(text, 0)
  const yearOfCentury = twoDigits(text, 2)
  const month = twoDigits(text, 5)
  const day = twoDigits(text, 8)
  const hour = twoDigits(text, 11)
  const minute = twoDigits(text, 14)
  const second = twoDigits(text, 17)
  const centiseconds = twoDigits(text, 20)
  const lastDigit = text.charCodeAt(22) - 48
  const year = century * 100 + yearOfCentury
  // Why the ranges: V8 rolls 24:00 and February 30 over and rejects month 13, and years below
  // 1000 are rare enough not to bother. Anything outside plain valid values keeps V8's reading.
  const plain =
    century >= 10 &&
    yearOfCentury >= 0 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    hour >= 0 &&
    hour <= 23 &&
    minute >= 0 &&
    minute <= 59 &&
    second >= 0 &&
    second <= 59 &&
    centiseconds >= 0 &&
    lastDigit >= 0 &&
    lastDigit <= 9 &&
    day <= daysIn(year, month)
  if (!plain) return new Date(text)
  const minutes = (daysSinceEpoch(year, month, day) * 24 + hour) * 60 + minute
  return new Date(minutes * 60_000 + second * 1000 + centiseconds * 10 + lastDigit)
}
