import { describe, expect, it } from 'vitest'
import { BadRequest, MultipartParser, type MultipartEvent } from '../../framework/http/index.ts'

const body = [
  'preamble\r\n--XyZ\r\n',
  'Content-Disposition: form-data; name="title"\r\n\r\nHello\r\n',
  '--XyZ\r\n',
  'Content-Disposition: form-data; name="doc"; filename="a \\"b\\".txt"\r\nContent-Type: text/plain\r\n\r\n',
  'line1\r\nline2 --XyZ not a boundary\r\n',
  '--XyZ--\r\nepilogue',
].join('')

function parse(
  text: string,
  chunkSize: number,
): { events: MultipartEvent[]; data: Record<string, string> } {
  const parser = new MultipartParser('XyZ')
  const bytes = new TextEncoder().encode(text)
  const events: MultipartEvent[] = []
  for (let i = 0; i < bytes.length; i += chunkSize)
    events.push(...parser.write(bytes.subarray(i, i + chunkSize)))
  events.push(...parser.end())
  const data: Record<string, string> = {}
  let name = ''
  for (const e of events) {
    if (e.type === 'part') name = e.name
    if (e.type === 'data') data[name] = (data[name] ?? '') + new TextDecoder().decode(e.chunk)
  }
  return { events, data }
}

describe('MultipartParser', () => {
  it('splits fields and files, whatever the chunk size', () => {
    for (const size of [1, 2, 3, 7, 64, 10_000]) {
      const { data, events } = parse(body, size)
      expect(data).toEqual({ title: 'Hello', doc: 'line1\r\nline2 --XyZ not a boundary' })
      const parts = events.filter((e) => e.type === 'part')
      expect(parts.map((p) => p.type === 'part' && p.filename)).toEqual([undefined, 'a "b".txt'])
      expect(events.filter((e) => e.type === 'partEnd')).toHaveLength(2)
    }
  })

  it('reports the content type of a file part', () => {
    const part = parse(body, 50).events.find((e) => e.type === 'part' && e.name === 'doc')
    expect(part && part.type === 'part' && part.contentType).toBe('text/plain')
  })

  it('throws a BadRequest when the body ends before the closing boundary', () => {
    expect(() => parse(body.slice(0, body.indexOf('--XyZ--')), 16)).toThrow(/truncated/)
  })

  it('throws a BadRequest for a part without Content-Disposition', () => {
    expect(() => parse('--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--', 8)).toThrow(
      BadRequest,
    )
  })

  it('rejects an invalid boundary', () => {
    expect(() => new MultipartParser('bad"boundary')).toThrow(/invalid boundary/)
  })
})
