import { describe, expect, it } from 'vitest'
import {
  ResponseStart,
  StartResponseError,
  checkHeaders,
  parseStatus,
} from '../../framework/gateway/index.ts'

function codeOf(attempt: () => unknown): string | undefined {
  try {
    attempt()
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError)
    expect(error).toBeInstanceOf(StartResponseError)
    return (error as StartResponseError).code
  }
  return undefined
}

describe('parseStatus', () => {
  it('splits "NNN Reason"', () => {
    expect(parseStatus('404 Not Found')).toEqual({ code: 404, reason: 'Not Found' })
  })

  it('accepts a latin-1 reason phrase', () => {
    expect(parseStatus('200 Tr\u00e8s bien').reason).toBe('Tr\u00e8s bien')
  })

  it.each([
    ['200', 'no reason'],
    ['200 ', 'an empty reason'],
    ['200OK', 'no space'],
    ['20 OK', 'two digits'],
    ['2000 OK', 'four digits'],
    ['099 Low', 'a leading zero'],
    ['600 Beyond', 'a code above 599'],
    ['200 OK\r\nX: y', 'a CRLF'],
    ['200 €', 'a non-latin-1 reason'],
    [200, 'a number'],
  ] as [unknown, string][])('refuses %j (%s) with GW-H01', (status) => {
    expect(codeOf(() => parseStatus(status))).toBe('GW-H01')
  })

  it('quotes the culprit and shows the fix in the message', () => {
    expect(() => parseStatus('OK')).toThrow(/"OK".*e\.g\. "200 OK"/)
  })
})

describe('checkHeaders', () => {
  it('accepts a real array of string pairs, repeats included', () => {
    expect(() =>
      checkHeaders([
        ['Content-Type', 'text/plain'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['X-Tab', 'a\tb'],
      ]),
    ).not.toThrow()
  })

  it('refuses a non-array with GW-H02', () => {
    expect(codeOf(() => checkHeaders({ 'Content-Type': 'text/plain' }))).toBe('GW-H02')
  })

  it.each([[['Content-Type']], [['A', 'b', 'c']], [['A', 1]], ['A: b']])(
    'refuses the pair %j with GW-H02',
    (pair) => {
      expect(codeOf(() => checkHeaders([pair]))).toBe('GW-H02')
    },
  )

  it.each(['Bad Name', 'X:Y', '', 'Caf\u00e9'])('refuses the name %j with GW-H03', (name) => {
    expect(codeOf(() => checkHeaders([[name, 'v']]))).toBe('GW-H03')
  })

  it.each(['a\r\nb', 'a\nb', 'a\u0000b', 'a\u007fb', '€'])(
    'refuses the value %j with GW-H04',
    (value) => {
      expect(codeOf(() => checkHeaders([['X', value]]))).toBe('GW-H04')
    },
  )

  it('checks a value again when it differs from the last good one for that name', () => {
    // The last good value per name stands in for the pattern; any other value is checked anew.
    checkHeaders([['X-Remembered', 'fine']])
    checkHeaders([['X-Remembered', 'fine']])
    expect(codeOf(() => checkHeaders([['X-Remembered', 'fine\r\nX-Evil: 1']]))).toBe('GW-H04')
    expect(codeOf(() => checkHeaders([['X-Remembered', 'fine']]))).toBeUndefined()
    expect(codeOf(() => checkHeaders([['X-Remembered', '\u0000']]))).toBe('GW-H04')
  })

  it.each([
    'Connection',
    'keep-alive',
    'Transfer-Encoding',
    'TE',
    'Trailer',
    'Upgrade',
    'Proxy-Authenticate',
    'proxy-foo',
  ])('refuses the hop-by-hop header %s with GW-H05', (name) => {
    expect(codeOf(() => checkHeaders([[name, 'x']]))).toBe('GW-H05')
  })
})

describe('ResponseStart', () => {
  it('records the status and a copy of the headers', () => {
    const start = new ResponseStart()
    const headers: [string, string][] = [['A', '1']]
    start.start('201 Created', headers)
    headers.push(['B', '2'])
    expect(start.status).toEqual({ code: 201, reason: 'Created' })
    expect(start.headers).toEqual([['A', '1']])
  })

  it('throws GW-H06 on a second call without excInfo', () => {
    const start = new ResponseStart()
    start.start('200 OK', [])
    expect(codeOf(() => start.start('500 Oops', []))).toBe('GW-H06')
    expect(start.status?.code).toBe(200)
  })

  it('replaces status and headers with excInfo before the head was sent', () => {
    const start = new ResponseStart()
    start.start('200 OK', [['A', '1']])
    start.start('500 Internal Server Error', [['B', '2']], new Error('late'))
    expect(start.status?.code).toBe(500)
    expect(start.headers).toEqual([['B', '2']])
  })

  it('rethrows excInfo after the head was sent', () => {
    const start = new ResponseStart()
    start.start('200 OK', [])
    start.markHeadSent()
    const failure = new Error('after the first byte')
    expect(() => start.start('500 Internal Server Error', [], failure)).toThrow(failure)
  })

  it('checks the arguments before recording, so a bad call changes nothing', () => {
    const start = new ResponseStart()
    expect(codeOf(() => start.start('200 OK', [['Connection', 'close']]))).toBe('GW-H05')
    expect(start.called).toBe(false)
  })

  it('refuses a bad status or header every time, after good ones were remembered', () => {
    for (let round = 0; round < 3; round++) {
      const start = new ResponseStart()
      start.start('200 OK', [['Content-Type', 'text/plain'], ['X-Ok', 'yes']])
      expect(start.status).toEqual({ code: 200, reason: 'OK' })
      expect(codeOf(() => new ResponseStart().start('200OK', []))).toBe('GW-H01')
      expect(codeOf(() => new ResponseStart().start('200 OK', [['Keep-Alive', '5']]))).toBe('GW-H05')
      expect(codeOf(() => new ResponseStart().start('200 OK', [['X Bad', '1']]))).toBe('GW-H03')
      expect(codeOf(() => new ResponseStart().start('200 OK', [['X-Ok', 'a\r\nb']]))).toBe('GW-H04')
    }
  })

  it('keeps its own copy of the headers', () => {
    const headers: [string, string][] = [['X-A', '1']]
    const start = new ResponseStart()
    start.start('200 OK', headers)
    headers[0]![1] = 'changed'
    headers.push(['X-B', '2'])
    expect(start.headers).toEqual([['X-A', '1']])
  })
})
