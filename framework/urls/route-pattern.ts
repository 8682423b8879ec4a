/**
 * @module RoutePattern: one Django route string (`'questions/<int:id>/'`) compiled on
 * path-to-regexp 8 into a matcher and a reverser.
 *
 * How the translation works: the route is split into text and `<conv:name>` groups and handed to
 * path-to-regexp as tokens (text, `:name` params, `*name` wildcards for `path`), so its escaping
 * and segment rules apply. path-to-regexp 8 has no per-parameter regex, so each captured value is
 * then checked in full against its converter's regex: a value that fails means "this pattern does
 * not match", and the resolver tries the next one, as Django does.
 */
import { pathToRegexp, TokenData, type Token } from 'path-to-regexp'
import { converterNames, getConverter, type Converter } from './converters.ts'

interface Segment {
  text?: string
  param?: { name: string; converterName: string; converter: Converter; check: RegExp }
}

/** The outcome of matching: converted params and the unmatched rest of the path. */
export interface RouteMatch {
  params: Record<string, unknown>
  rest: string
}

function badRoute(route: string, reason: string, code = 'urls.bad_route'): Error {
  return Object.assign(new TypeError(`Invalid route ${JSON.stringify(route)}: ${reason}`), { code })
}

/**
 * A compiled route. `end` false makes it a prefix (for include()).
 *
 * @example
 * ```ts
 * const route = new RoutePattern('questions/<int:id>/', true)
 * route.match('questions/7/') // { params: { id: 7 }, rest: '' }
 * route.reverse({ id: 7 }) // 'questions/7/'
 * ```
 */
export class RoutePattern {
  readonly route: string
  readonly paramNames: readonly string[]
  /** Each parameter with its converter's name, in order (showurls --types reads them). */
  readonly params: readonly { name: string; converter: string }[]
  readonly #segments: Segment[]
  readonly #regexp: RegExp

  constructor(route: string, end: boolean) {
    if (typeof route !== 'string') throw badRoute(String(route), 'a route must be a string')
    if (route.startsWith('/')) {
      throw badRoute(
        route,
        `routes do not start with '/' (Django's convention); write ${JSON.stringify(route.replace(/^\/+/, ''))}.`,
        'urls.leading_slash',
      )
    }
    this.route = route
    this.#segments = []
    const names: string[] = []
    const tokens: Token[] = []
    const groupRe = /<([^<>]*)>/g
    let last = 0
    for (const m of route.matchAll(groupRe)) {
      if (m.index > last) this.#text(route.slice(last, m.index), tokens)
      const spec = m[1] ?? ''
      const [converterName, name] = spec.includes(':') ? spec.split(':', 2) : ['str', spec]
      if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw badRoute(
          route,
          `parameter ${JSON.stringify(`<${spec}>`)} needs a name that is a valid identifier, e.g. <int:id>.`,
        )
      }
      if (names.includes(name))
        throw badRoute(
          route,
          `parameter ${JSON.stringify(name)} appears twice; give each one its own name.`,
        )
      const converter = getConverter(converterName ?? 'str')
      if (!converter) {
        throw badRoute(
          route,
          `unknown converter ${JSON.stringify(converterName)} in <${spec}>; use one of ${converterNames().join(', ')} or registerConverter(${JSON.stringify(converterName)}, ...) first.`,
          'urls.unknown_converter',
        )
      }
      names.push(name)
      this.#segments.push({
        param: {
          name,
          converterName: converterName ?? 'str',
          converter,
          check: new RegExp(`^(?:${converter.regex})$`),
        },
      })
      tokens.push(converter.spansSegments ? { type: 'wildcard', name } : { type: 'param', name })
      last = m.index + m[0].length
    }
    if (last < route.length) this.#text(route.slice(last), tokens)
    if (/[<>]/.test(route.replace(groupRe, '')))
      throw badRoute(route, "unbalanced '<' or '>'; parameters look like <int:id>.")
    this.paramNames = names
    this.params = this.#segments.flatMap((seg) =>
      seg.param ? [{ name: seg.param.name, converter: seg.param.converterName }] : [],
    )
    const { regexp } = pathToRegexp(new TokenData(tokens, route), {
      end: true,
      trailing: false,
      sensitive: true,
    })
    // A prefix must leave the rest of the path to the included patterns: drop the end anchor
    // rather than use `end: false`, whose lookahead wants a '/' right after the prefix.
    this.#regexp = end ? regexp : new RegExp(regexp.source.replace(/\$$/, ''), regexp.flags)
  }

  #text(text: string, tokens: Token[]): void {
    this.#segments.push({ text })
    tokens.push({ type: 'text', value: text })
  }

  /** Matches the start (prefix) or the whole of `path` (no leading '/'); null when it does not. */
  match(path: string): RouteMatch | null {
    const m = this.#regexp.exec(path)
    if (!m) return null
    const params: Record<string, unknown> = {}
    let group = 1
    for (const segment of this.#segments) {
      if (!segment.param) continue
      const text = m[group++] ?? ''
      if (!segment.param.check.test(text)) return null
      try {
        params[segment.param.name] = segment.param.converter.toValue(text)
      } catch {
        // Django: a converter's ValueError means "no match", not a server error.
        return null
      }
    }
    return { params, rest: path.slice(m[0].length) }
  }

  /** Builds this route's URL text from `params`; throws a reason when a value does not fit. */
  reverse(params: Record<string, unknown>): string {
    let out = ''
    for (const segment of this.#segments) {
      if (segment.text !== undefined) {
        out += encodeURI(segment.text)
        continue
      }
      const { name, converterName, converter, check } = segment.param!
      if (!(name in params) || params[name] === undefined)
        throw new TypeError(`missing parameter ${JSON.stringify(name)}`)
      let text: string
      try {
        text = converter.toUrl(params[name] as never)
      } catch (error) {
        throw new TypeError(
          `parameter ${JSON.stringify(name)} (${converterName}): ${(error as Error).message}`,
        )
      }
      if (!check.test(text)) {
        throw new TypeError(
          `parameter ${JSON.stringify(name)} = ${JSON.stringify(text)} does not match the ${converterName} converter (${converter.regex})`,
        )
      }
      // Why per segment: a `path` value keeps its '/' separators; anything else is one segment.
      out += converter.spansSegments
        ? text.split('/').map(encodeURIComponent).join('/')
        : encodeURIComponent(text)
    }
    return out
  }
}
