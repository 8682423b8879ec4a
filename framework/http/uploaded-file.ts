/**
 * @module UploadedFile: one file from a multipart body, in memory or in a temporary file.
 */
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'

/**
 * An uploaded file. Small files stay in memory; past FILE_UPLOAD_MAX_MEMORY_SIZE they were
 * streamed to `temporaryPath`, which is deleted after the response.
 *
 * @example
 * ```ts
 * const avatar = request.FILES.get('avatar')
 * if (avatar) await writeFile(`media/${avatar.filename}`, await avatar.bytes())
 * ```
 */
export class UploadedFile {
  readonly fieldName: string
  readonly filename: string
  readonly contentType: string
  readonly size: number
  readonly #memory: Uint8Array | undefined
  readonly temporaryPath: string | undefined

  constructor(init: {
    fieldName: string
    filename: string
    contentType: string
    size: number
    memory?: Uint8Array
    temporaryPath?: string
  }) {
    this.fieldName = init.fieldName
    // Why basename only: a client can send "../../etc/passwd" as a filename.
    this.filename = init.filename.split(/[\\/]/).pop() ?? ''
    this.contentType = init.contentType
    this.size = init.size
    this.#memory = init.memory
    this.temporaryPath = init.temporaryPath
  }

  /** True when the content went to a temporary file. */
  get inMemory(): boolean {
    return this.#memory !== undefined
  }

  /** The whole content. */
  async bytes(): Promise<Uint8Array> {
    if (this.#memory) return this.#memory
    return new Uint8Array(await readFile(this.temporaryPath as string))
  }

  /** The content decoded as UTF-8. */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes())
  }

  /** The content in chunks, without loading a large file at once. */
  async *chunks(): AsyncGenerator<Uint8Array> {
    if (this.#memory) {
      yield this.#memory
      return
    }
    for await (const chunk of createReadStream(this.temporaryPath as string))
      yield chunk as Uint8Array
  }
}

/**
 * The uploaded files by field name (multi-valued like QueryDict).
 *
 * @example
 * ```ts
 * request.FILES.getAll('photos').length
 * ```
 */
export class FileDict implements Iterable<[string, UploadedFile]> {
  readonly #map = new Map<string, UploadedFile[]>()

  /** Adds a file (used by the request while parsing). */
  add(file: UploadedFile): void {
    const list = this.#map.get(file.fieldName)
    if (list) list.push(file)
    else this.#map.set(file.fieldName, [file])
  }

  get(name: string): UploadedFile | undefined {
    const list = this.#map.get(name)
    return list?.[list.length - 1]
  }

  getAll(name: string): UploadedFile[] {
    return [...(this.#map.get(name) ?? [])]
  }

  has(name: string): boolean {
    return this.#map.has(name)
  }

  get size(): number {
    return this.#map.size
  }

  *[Symbol.iterator](): Iterator<[string, UploadedFile]> {
    for (const [k, list] of this.#map) for (const f of list) yield [k, f]
  }
}
