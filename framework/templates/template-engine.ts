/**
 * @module TemplateEngine: eta with Django's search path, autoescape, context processors, the
 * `url()` and `static()` helpers, and a coded TemplateDoesNotExist.
 *
 * How inheritance works (eta's layouts and blocks):
 *
 * ```html
 * <!-- templates/base.html: the layout -->
 * <title><%~ block('title', () => { %>My site<% }) %></title>
 * <main><%~ it.body %></main>
 *
 * <!-- templates/polls/index.html: a child -->
 * <% layout('base.html') %>
 * <% block('title', () => { %>Polls<% }) %>
 * <h1>Polls</h1> <%~ include('polls/_row.html', { poll }) %>
 * ```
 *
 * `layout(name, data?)` renders the child first, then the layout with the child's output as
 * `it.body`; `block(name, fn)` in a child defines a block, in a layout it outputs the child's
 * block or its own default. Blocks pass through several layouts, the deepest child's winning
 * (as in Django); there is no `block.super`. Layouts and includes see the
 * child's `it` (plus their own data). Names are searched like any template (`'./x.html'` is
 * relative to the current file). `<%= x %>` escapes, `<%~ x %>` outputs raw (use it for
 * include(), block() and it.body, which are already HTML); safe() marks text as HTML.
 *
 * Every template has `url(name, params)`, `static(path)` and `safe(text)`.
 */
import { readFileSync, statSync } from 'node:fs'
import { dirname, isAbsolute, resolve, sep } from 'node:path'
import { Eta, EtaError } from 'eta'
import type { Settings } from '../conf/index.ts'
import {
  contextProcessors,
  type ContextProcessor,
  type TemplateRequest,
} from './context-processors.ts'
import { escapeHtml, safe } from './safe-string.ts'
import { staticUrl } from './static-url.ts'
import { TemplateDoesNotExist } from './template-does-not-exist.ts'
import { templateDirs } from './template-dirs.ts'

/** Builds a URL from a route name: what the `url()` helper calls (views/ passes urls' reverse). */
export type UrlHelper = (name: string, params?: Record<string, unknown>) => string

/** Options of a TemplateEngine. */
export interface TemplateEngineOptions {
  /** The directory relative DIRS and apps are resolved against (default: process.cwd()). */
  cwd?: string
  /** The `url()` helper; without it, url() throws a coded error saying so. */
  url?: UrlHelper
  /** Overrides the search path (default: templateDirs(settings)). */
  dirs?: readonly string[]
}

/** What every template sees under `it.__helpers`, bound to bare names by the function header. */
interface Helpers {
  url: UrlHelper
  static: (path: string) => string
  safe: typeof safe
}

const HELPERS = '__helpers'

/**
 * eta hands a layout only the blocks of the template directly below it. Django lets the
 * deepest child's block win through every level; this rewrite of eta's compiled function keeps
 * the blocks that came from below (`it.__blocks`) over the ones this template defines.
 */
function passBlocksThrough(fnString: string): string {
  return fnString.replace(
    '__blocks: __eta.blocks',
    '__blocks: { ...__eta.blocks, ...(it.__blocks || {}) }',
  )
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/**
 * The template engine of a project.
 *
 * @example
 * ```ts
 * const engine = new TemplateEngine(settings, { url: (name, params) => reverse(name, params) })
 * const html = engine.render('polls/index.html', { polls }, request)
 * ```
 */
export class TemplateEngine {
  readonly settings: Settings
  /** The search path, absolute, in order. */
  readonly dirs: readonly string[]
  readonly #eta: Eta
  readonly #processors: ContextProcessor[]
  readonly #helpers: Helpers
  readonly #found = new Map<string, string>()
  #missing: TemplateDoesNotExist | undefined

  constructor(settings: Settings, options: TemplateEngineOptions = {}) {
    this.settings = settings
    const cwd = options.cwd ?? process.cwd()
    this.dirs = (options.dirs ?? templateDirs(settings, cwd)).map((dir) => resolve(cwd, dir))
    this.#processors = contextProcessors(settings)
    const urlHelper = options.url
    this.#helpers = {
      url:
        urlHelper ??
        ((name) => {
          throw Object.assign(
            new Error(
              `url(${JSON.stringify(name)}) is not available: create the TemplateEngine with { url } (views' render() does).`,
            ),
            {
              code: 'templates.no_url_helper',
            },
          )
        }),
      static: (path) => staticUrl(settings, path, cwd),
      safe,
    }
    this.#eta = new Eta({
      autoEscape: true,
      escapeFunction: escapeHtml,
      // Compiled templates are kept when not DEBUG; in DEBUG every render re-reads the file.
      cache: !settings.DEBUG,
      cacheFilepaths: !settings.DEBUG,
      debug: settings.DEBUG,
      // `static` is reserved only in strict code; eta's compiled functions are sloppy-mode.
      functionHeader: `const url = it.${HELPERS}.url, static = it.${HELPERS}.static, safe = it.${HELPERS}.safe;`,
      plugins: [{ processFnString: passBlocksThrough }],
    })
    this.#eta.resolvePath = (name: string, opts?: { filepath?: string }) =>
      this.findTemplate(name, opts?.filepath)
    this.#eta.readFile = (path: string) => {
      // Why a re-check: a template deleted between lookup and read is still "does not exist".
      try {
        return readFileSync(path, 'utf8')
      } catch (error) {
        throw new TemplateDoesNotExist(
          path,
          [path],
          `Template file ${JSON.stringify(path)} could not be read: ${(error as Error).message}`,
        )
      }
    }
  }

  /**
   * The absolute path of template `name`: the first search directory that holds it. `'./x'` and
   * `'../x'` are relative to `from` (the including template). Never a path outside the search
   * directories.
   */
  findTemplate(name: string, from?: string): string {
    if (typeof name !== 'string' || name === '' || name.includes('\0')) {
      throw this.#miss(
        new TemplateDoesNotExist(
          String(name),
          [],
          `Invalid template name ${JSON.stringify(name)}: use a relative path such as 'polls/index.html'.`,
        ),
      )
    }
    const relative = name.startsWith('./') || name.startsWith('../')
    const key = relative ? `${from ?? ''}\0${name}` : name
    const cached = this.settings.DEBUG ? undefined : this.#found.get(key)
    if (cached) return cached
    if (isAbsolute(name)) {
      throw this.#miss(
        new TemplateDoesNotExist(
          name,
          [],
          `Template name ${JSON.stringify(name)} is absolute: name templates relative to a templates/ folder, e.g. 'polls/index.html'.`,
        ),
      )
    }
    const candidates =
      relative && from ? [resolve(dirname(from), name)] : this.dirs.map((dir) => resolve(dir, name))
    const tried: string[] = []
    for (const candidate of candidates) {
      tried.push(candidate)
      const inside = this.dirs.some((dir) => candidate.startsWith(dir + sep))
      if (inside && isFile(candidate)) {
        if (!this.settings.DEBUG) this.#found.set(key, candidate)
        return candidate
      }
    }
    throw this.#miss(new TemplateDoesNotExist(name, tried))
  }

  #miss(error: TemplateDoesNotExist): TemplateDoesNotExist {
    this.#missing ??= error
    return error
  }

  /** The context a template sees: processors' output (when a request is given), then `context`. */
  context(
    context: Record<string, unknown> = {},
    request?: TemplateRequest,
  ): Record<string, unknown> {
    const data: Record<string, unknown> = {}
    if (request)
      for (const processor of this.#processors)
        Object.assign(data, processor(request, this.settings))
    Object.assign(data, context)
    data[HELPERS] = this.#helpersFor(request)
    return data
  }

  /**
   * The helpers for one render. Under a SCRIPT_NAME (an app mounted at `/shop`), url() gives
   * `/shop/...`: the resolver reverses paths relative to the mount point, as Django's script
   * prefix does.
   */
  #helpersFor(request: TemplateRequest | undefined): Helpers {
    const scriptName = (request as { scriptName?: unknown } | undefined)?.scriptName
    const prefix = typeof scriptName === 'string' ? scriptName.replace(/\/+$/, '') : ''
    if (!prefix) return this.#helpers
    const url = this.#helpers.url
    return {
      ...this.#helpers,
      url: (name, params) => {
        const path = url(name, params)
        return path.startsWith('/') ? prefix + path : path
      },
    }
  }

  /**
   * Renders template `name` with `context`; with a request, the context processors run first.
   * Throws TemplateDoesNotExist (with every path searched) for a missing template or include.
   */
  render(name: string, context: Record<string, unknown> = {}, request?: TemplateRequest): string {
    return this.#run(() => this.#eta.render(name, this.context(context, request)))
  }

  /** Renders template source text (not a file) the same way. */
  renderString(
    source: string,
    context: Record<string, unknown> = {},
    request?: TemplateRequest,
  ): string {
    return this.#run(() => this.#eta.renderString(source, this.context(context, request)))
  }

  #run(fn: () => string): string {
    this.#missing = undefined
    try {
      return fn()
    } catch (error) {
      // eta (in DEBUG) wraps errors of includes to add line numbers; the missing template is
      // still the thing to report, with eta's location as the cause.
      const missing = this.#missing
      if (missing && error !== missing && error instanceof EtaError)
        throw Object.assign(missing, { cause: error })
      // Likewise for any coded framework error (url() failing, NoReverseMatch...): the coded
      // error is what callers test for; eta's "file:line" text stays on it as templateLocation.
      const cause = error instanceof EtaError ? (error as { cause?: unknown }).cause : undefined
      if (cause instanceof Error && typeof (cause as { code?: unknown }).code === 'string') {
        throw Object.assign(cause, {
          templateLocation: error instanceof Error ? error.message : '',
        })
      }
      throw error
    } finally {
      this.#missing = undefined
    }
  }
}
