import { describe, expect, it } from 'vitest'
import { ErrorsStream, InputError, RequestInput } from '../../framework/gateway/index.ts'

const enc = (text: string) => new TextEncoder().encode(text)
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield enc(part)
}

/** A source that yields `parts`, then never speaks again (a client that stalls). */
function stalling(...parts: string[]): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      let index = 0
      return {
        next: () =>
          index < parts.length
            ? Promise.resolve({ done: false as const, value: enc(parts[index++]!) })
            : new Promise<IteratorResult<Uint8Array>>(() => {}),
      }
    },
  }
}

describe('RequestInput', () => {
  it('read() returns the whole body, then an empty Uint8Array every time', async () => {
    const input = new RequestInput(chunks('hel', 'lo'), { length: 5 })
    expect(dec(await input.read())).toBe('hello')
    for (let i = 0; i < 3; i++) expect((await input.read()).length).toBe(0)
    expect(input.ended).toBe(true)
  })

  it('read(size) returns up to size bytes across chunk boundaries', async () => {
    const input = new RequestInput(chunks('ab', 'cd', 'ef'), { length: 6 })
    expect(dec(await input.read(3))).toBe('abc')
    expect(dec(await input.read(10))).toBe('def')
    expect((await input.read(10)).length).toBe(0)
  })

  it('never reads past the declared length, even when the source offers more', async () => {
    const input = new RequestInput(chunks('GET / HTTP/1.1'), { length: 3 })
    expect(dec(await input.read())).toBe('GET')
    expect((await input.read()).length).toBe(0)
  })

  it('without a length reads until the source ends (a chunked body)', async () => {
    const input = new RequestInput(chunks('a', 'b', 'c'))
    expect(dec(await input.read())).toBe('abc')
    expect((await input.read()).length).toBe(0)
  })

  it('readline() returns one line with its newline, and honours size', async () => {
    const input = new RequestInput(chunks('one\ntw', 'o\nthree'), { length: 13 })
    expect(dec(await input.readline())).toBe('one\n')
    expect(dec(await input.readline(2))).toBe('tw')
    expect(dec(await input.readline())).toBe('o\n')
    expect(dec(await input.readline())).toBe('three')
    expect((await input.readline()).length).toBe(0)
  })

  it('readlines() returns every line, or stops once about hint bytes were read', async () => {
    const all = new RequestInput(chunks('a\nb\nc'), { length: 5 })
    expect((await all.readlines()).map(dec)).toEqual(['a\n', 'b\n', 'c'])
    const some = new RequestInput(chunks('aa\nbb\ncc\n'), { length: 9 })
    expect((await some.readlines(4)).map(dec)).toEqual(['aa\n', 'bb\n'])
  })

  it('iterates the raw chunks, buffered bytes first', async () => {
    const input = new RequestInput(chunks('ab', 'cd', 'ef'), { length: 6 })
    expect(dec(await input.read(1))).toBe('a')
    const seen: string[] = []
    for await (const chunk of input) seen.push(dec(chunk))
    expect(seen).toEqual(['b', 'cd', 'ef'])
    expect((await input.read()).length).toBe(0)
  })

  it('calls onFirstRead once, at the first read and not before', async () => {
    let calls = 0
    const input = new RequestInput(chunks('abc'), { length: 3, onFirstRead: () => calls++ })
    expect(calls).toBe(0)
    await input.read(1)
    await input.read()
    expect(calls).toBe(1)
  })

  it('rejects with GW-H07 when the source ends before the declared length', async () => {
    const input = new RequestInput(chunks('abc'), { length: 10 })
    await expect(input.read()).rejects.toMatchObject({ code: 'GW-H07' })
    await expect(input.read()).rejects.toBeInstanceOf(InputError)
  })

  it('rejects with GW-H07 when a chunked body is incomplete', async () => {
    const input = new RequestInput(chunks('abc'), { complete: () => false })
    await expect(input.read()).rejects.toMatchObject({ code: 'GW-H07' })
  })

  it('rejects a pending read with GW-H07 when the client goes away', async () => {
    const controller = new AbortController()
    const input = new RequestInput(stalling('ab'), { length: 10, signal: controller.signal })
    const pending = input.read()
    setTimeout(() => controller.abort(), 10)
    await expect(pending).rejects.toMatchObject({ code: 'GW-H07' })
  })

  it('asks a lazy signal for itself only when the first read touches the body', async () => {
    const controller = new AbortController()
    let asked = 0
    const lazy = () => {
      asked++
      return controller.signal
    }
    const empty = new RequestInput(chunks(), { length: 0, signal: lazy })
    expect((await empty.read()).length).toBe(0)
    expect(asked).toBe(0) // nothing to read: no signal needed
    const input = new RequestInput(stalling('ab'), { length: 10, signal: lazy })
    expect(asked).toBe(0)
    expect(dec(await input.read(2))).toBe('ab')
    expect(asked).toBe(1)
    const pending = input.read()
    setTimeout(() => controller.abort(), 10)
    await expect(pending).rejects.toMatchObject({ code: 'GW-H07' })
    expect(asked).toBe(1)
  })

  it('fails the first read at once when a lazy signal is already aborted', async () => {
    let firstReads = 0
    const input = new RequestInput(stalling('ab'), {
      length: 10,
      signal: () => AbortSignal.abort(),
      onFirstRead: () => firstReads++,
    })
    await expect(input.read()).rejects.toMatchObject({ code: 'GW-H07' })
    expect(firstReads).toBe(0) // no 100 Continue for a client that left
    expect(input.started).toBe(false)
  })

  it('rejects with GW-H07 when the source fails', async () => {
    const failing: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('ECONNRESET')) }),
    }
    const input = new RequestInput(failing, { length: 5 })
    await expect(input.read()).rejects.toMatchObject({ code: 'GW-H07' })
  })

  it('keeps a fully received body readable after the client left', async () => {
    const controller = new AbortController()
    const input = new RequestInput(chunks('abc'), { length: 3, signal: controller.signal })
    expect(dec(await input.read(1))).toBe('a')
    controller.abort()
    expect(dec(await input.read())).toBe('bc')
    expect((await input.read()).length).toBe(0)
  })

  it('throws GW-H13 for a size that is not an integer', async () => {
    const input = new RequestInput(chunks('abc'), { length: 3 })
    await expect(input.read(1.5)).rejects.toMatchObject({ code: 'GW-H13' })
    await expect(input.readlines('x' as unknown as number)).rejects.toMatchObject({
      code: 'GW-H13',
    })
  })

  it('serves overlapping reads one after the other without mixing bytes', async () => {
    const input = new RequestInput(chunks('ab', 'cd'), { length: 4 })
    const [first, second] = await Promise.all([input.read(2), input.read(2)])
    expect([dec(first), dec(second)]).toEqual(['ab', 'cd'])
  })

  it('a zero length body ends at once without touching the source', async () => {
    let touched = false
    const source: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]() {
        touched = true
        return { next: () => Promise.resolve({ done: true as const, value: undefined }) }
      },
    }
    const input = new RequestInput(source, { length: 0 })
    expect((await input.read()).length).toBe(0)
    expect(touched).toBe(false)
  })

  it('discard() drops the rest and reports whether it ended within the limit', async () => {
    expect(await new RequestInput(chunks('abcdef'), { length: 6 }).discard(100)).toBe(true)
    const big = new RequestInput(chunks('x'.repeat(70_000), 'y'.repeat(70_000)), {
      length: 140_000,
    })
    expect(await big.discard(1000)).toBe(false)
  })
})

describe('ErrorsStream', () => {
  it('keeps text in memory when given no target', () => {
    const errors = new ErrorsStream()
    errors.write('a')
    errors.writelines(['b', 'c'])
    errors.flush()
    expect(errors.text).toBe('abc')
  })

  it('writes to a callback or a Writable-like target', () => {
    const seen: string[] = []
    new ErrorsStream((text) => seen.push(text)).write('one')
    new ErrorsStream({ write: (text: string) => seen.push(text) }).writelines(['two', 'three'])
    expect(seen).toEqual(['one', 'two', 'three'])
  })

  it('accepts anything, converting non-strings to text', () => {
    const errors = new ErrorsStream()
    errors.write(42 as unknown as string)
    expect(errors.text).toBe('42')
  })
})
