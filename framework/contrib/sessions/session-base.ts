/**
 * @module SessionBase: what `request.session` is. A dictionary of JSON values with Django's
 * session API, backed by a SessionBackend. The middleware loads it before the view (one indexed
 * query when the request carries a session cookie, none otherwise) and saves it after, so every
 * read and write here is synchronous; only `cycleKey()` and `flush()` touch storage and are async.
 */
import type { SessionBackend, SessionData } from './session-backend.ts'

/** The key holding a per-session expiry (seconds, or an ISO date), as Django names it. */
const EXPIRY_KEY = '_session_expiry'

/** The session settings SessionBase reads. */
export interface SessionOptions {
  /** SESSION_COOKIE_AGE, seconds. */
  cookieAge: number
  /** SESSION_EXPIRE_AT_BROWSER_CLOSE. */
  expireAtBrowserClose: boolean
}

/**
 * A session. Values must survive JSON (strings, numbers, booleans, null, arrays, plain objects).
 *
 * @example
 * ```ts
 * export async function addToCart(request: HttpRequest) {
 *   const cart = request.session.get<number[]>('cart') ?? []
 *   request.session.set('cart', [...cart, Number(request.POST.get('id'))])
 *   return new HttpResponseRedirect('/cart/')
 * }
 * ```
 */
export class SessionBase {
  readonly #backend: SessionBackend
  readonly #options: SessionOptions
  #key: string | undefined
  #data: SessionData = {}
  #loaded = false
  /** True once anything was read or written (the response then varies on Cookie). */
  accessed = false
  /** True once anything was written: the middleware saves the session and sets the cookie. */
  modified = false

  /**
   * A session for the key the cookie carried (undefined: none). Call `load()` before use; the
   * middleware does.
   */
  constructor(backend: SessionBackend, key: string | undefined, options: SessionOptions) {
    this.#backend = backend
    this.#key = key
    this.#options = options
    // Without a key there is nothing to read: loaded already, so load() need not be awaited.
    this.#loaded = key === undefined
  }

  /** True once the stored data was read (at once for a session without a key). */
  get loaded(): boolean {
    return this.#loaded
  }

  /**
   * Reads the stored data. A missing, expired or tampered key gives an empty session with no
   * key: the next save picks a fresh one, so a key chosen by an attacker is never adopted
   * (session fixation).
   */
  async load(): Promise<void> {
    if (this.#loaded) return
    this.#loaded = true
    if (this.#key === undefined) return
    const data = await this.#backend.load(this.#key)
    if (data === undefined) this.#key = undefined
    else this.#data = data
  }

  /** The key the cookie carries; undefined until the session is first saved. */
  get sessionKey(): string | undefined {
    return this.#key
  }

  /** The value under `key`, or `fallback`. */
  get<T = unknown>(key: string, fallback?: T): T | undefined {
    this.accessed = true
    return Object.hasOwn(this.#data, key) ? (this.#data[key] as T) : fallback
  }

  /** Stores `value` (JSON-serializable) under `key`. */
  set(key: string, value: unknown): void {
    assertJson(key, value)
    this.accessed = true
    this.modified = true
    this.#data[key] = value
  }

  /** Removes `key`; true when it was there. */
  delete(key: string): boolean {
    this.accessed = true
    if (!Object.hasOwn(this.#data, key)) return false
    delete this.#data[key]
    this.modified = true
    return true
  }

  /** Removes `key` and returns its value (or `fallback`). */
  pop<T = unknown>(key: string, fallback?: T): T | undefined {
    const value = this.get<T>(key, fallback)
    this.delete(key)
    return value
  }

  /** Whether `key` is set. */
  has(key: string): boolean {
    this.accessed = true
    return Object.hasOwn(this.#data, key)
  }

  /** The keys set (the internal expiry key excluded). */
  keys(): string[] {
    this.accessed = true
    return Object.keys(this.#data).filter((key) => key !== EXPIRY_KEY)
  }

  /** True when nothing is stored and no key exists (no cookie needs to be sent). */
  get isEmpty(): boolean {
    return this.#key === undefined && Object.keys(this.#data).length === 0
  }

  /** Removes every value but keeps the key (Django's `clear()`). */
  clear(): void {
    this.accessed = true
    this.modified = true
    this.#data = {}
  }

  /**
   * Gives the same data a new key and deletes the old one. Call it at login (auth's `login()`
   * does) so a key an attacker planted before login is worthless after it.
   */
  async cycleKey(): Promise<void> {
    const old = this.#key
    this.#key = await this.#backend.save(undefined, this.#data, this.getExpiryDate())
    this.accessed = true
    this.modified = true
    if (old !== undefined && old !== this.#key) await this.#backend.delete(old)
  }

  /** Deletes the stored session and starts a new empty one without a key (logout). */
  async flush(): Promise<void> {
    const old = this.#key
    this.#data = {}
    this.#key = undefined
    this.accessed = true
    this.modified = true
    if (old !== undefined) await this.#backend.delete(old)
  }

  /**
   * Sets when this session expires: seconds of inactivity (0 = when the browser closes), a Date,
   * or null for the SESSION_COOKIE_AGE / SESSION_EXPIRE_AT_BROWSER_CLOSE defaults.
   *
   * @example
   * ```ts
   * if (!form.cleanedData.rememberMe) request.session.setExpiry(0)
   * ```
   */
  setExpiry(value: number | Date | null): void {
    if (value === null) {
      this.delete(EXPIRY_KEY)
      return
    }
    if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) {
      throw Object.assign(
        new RangeError(
          `setExpiry(${value}): give seconds (>= 0), a Date, or null for the default.`,
        ),
        { code: 'sessions.bad_expiry' },
      )
    }
    this.set(EXPIRY_KEY, value instanceof Date ? value.toISOString() : value)
  }

  /** Seconds until the session expires (SESSION_COOKIE_AGE unless setExpiry() said otherwise). */
  getExpiryAge(): number {
    const expiry = this.#data[EXPIRY_KEY]
    if (typeof expiry === 'number') return expiry === 0 ? this.#options.cookieAge : expiry
    if (typeof expiry === 'string') {
      const ms = Date.parse(expiry) - Date.now()
      return Number.isFinite(ms) ? Math.max(0, Math.floor(ms / 1000)) : this.#options.cookieAge
    }
    return this.#options.cookieAge
  }

  /** When the stored session expires. */
  getExpiryDate(): Date {
    return new Date(Date.now() + this.getExpiryAge() * 1000)
  }

  /** Whether the cookie lives only until the browser closes. */
  getExpireAtBrowserClose(): boolean {
    const expiry = this.#data[EXPIRY_KEY]
    if (expiry === undefined) return this.#options.expireAtBrowserClose
    return expiry === 0
  }

  /**
   * Writes the session (the middleware calls it when `modified`, or on every request with
   * SESSION_SAVE_EVERY_REQUEST) and returns the key for the cookie.
   */
  async save(): Promise<string> {
    this.#key = await this.#backend.save(this.#key, this.#data, this.getExpiryDate())
    return this.#key
  }
}

/** Rejects values JSON would change (functions, Dates, Maps...) when set, not at save time. */
function assertJson(key: string, value: unknown): void {
  let ok: boolean
  try {
    ok = JSON.stringify(JSON.parse(JSON.stringify(value))) === JSON.stringify(value)
    ok &&= value !== undefined && typeof value !== 'function'
    ok &&= !(value instanceof Date) && !(value instanceof Map) && !(value instanceof Set)
  } catch {
    ok = false
  }
  if (!ok) {
    throw Object.assign(
      new TypeError(
        `session.set(${JSON.stringify(key)}, ...): the value is not JSON (sessions are serialized as JSON); store strings, numbers, booleans, null, arrays or plain objects (dates as ISO strings).`,
      ),
      { code: 'sessions.not_json' },
    )
  }
}
