/**
 * @module The submitted data a form binds to, normalised: a QueryDict, a FileDict, or plain
 * records (JSON bodies, tests). Anything odd in a record (objects, nested arrays) is ignored as
 * if absent, so hostile input reaches the fields as strings or nothing, never as a crash.
 */
import type { FileDict, QueryDict, UploadedFile } from '../http/index.ts'

/** What `form.bind(data)` accepts. */
export type FormDataInput = QueryDict | Readonly<Record<string, unknown>>
/** What `form.bind(data, files)` accepts. */
export type FormFilesInput = FileDict | Readonly<Record<string, UploadedFile | readonly UploadedFile[]>>

/** Read access to submitted values, the same for every input shape. */
export interface DataSource {
  has(name: string): boolean
  /** The last value, as QueryDict.get does. */
  get(name: string): string | undefined
  getAll(name: string): string[]
}

/** Read access to submitted files. */
export interface FileSource {
  get(name: string): UploadedFile | undefined
  getAll(name: string): UploadedFile[]
}

function isMultiMap(value: unknown): value is { get(k: string): unknown; getAll(k: string): unknown[]; has(k: string): boolean } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { getAll?: unknown }).getAll === 'function' &&
    typeof (value as { has?: unknown }).has === 'function'
  )
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return undefined
}

/** Wraps `data` (undefined: nothing submitted). */
export function dataSource(data: FormDataInput | undefined): DataSource {
  if (data === undefined || data === null) return { has: () => false, get: () => undefined, getAll: () => [] }
  if (isMultiMap(data)) {
    const map = data
    return {
      has: (name) => map.has(name),
      get: (name) => map.getAll(name).map(scalar).filter((v) => v !== undefined).pop(),
      getAll: (name) => map.getAll(name).flatMap((v) => scalar(v) ?? []),
    }
  }
  const record = data as Readonly<Record<string, unknown>>
  const own = (name: string): unknown =>
    Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined
  const all = (name: string): string[] => {
    const value = own(name)
    if (Array.isArray(value)) return value.flatMap((v) => scalar(v) ?? [])
    const one = scalar(value)
    return one === undefined ? [] : [one]
  }
  return {
    has: (name) => own(name) !== undefined && own(name) !== null,
    get: (name) => all(name).pop(),
    getAll: all,
  }
}

function isUploadedFile(value: unknown): value is UploadedFile {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as UploadedFile).filename === 'string' &&
    typeof (value as UploadedFile).size === 'number' &&
    typeof (value as UploadedFile).bytes === 'function'
  )
}

/** Wraps `files` (undefined: no files). */
export function fileSource(files: FormFilesInput | undefined): FileSource {
  if (files === undefined || files === null) return { get: () => undefined, getAll: () => [] }
  if (isMultiMap(files)) {
    const map = files
    const all = (name: string): UploadedFile[] => map.getAll(name).filter(isUploadedFile)
    return { get: (name) => all(name).pop(), getAll: all }
  }
  const record = files as Readonly<Record<string, unknown>>
  const all = (name: string): UploadedFile[] => {
    const value = Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined
    return (Array.isArray(value) ? value : [value]).filter(isUploadedFile)
  }
  return { get: (name) => all(name).pop(), getAll: all }
}
