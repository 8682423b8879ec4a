/**
 * @module Path converters: what `<int:id>` means. Each converter is a regular expression a
 * segment must match in full, plus the two conversions (URL text → value, value → URL text).
 */

/**
 * A path converter, Django's `register_converter` protocol in TypeScript.
 *
 * @example
 * ```ts
 * const year: Converter<number> = {
 *   regex: '[0-9]{4}',
 *   toValue: (text) => Number(text),
 *   toUrl: (value) => String(value).padStart(4, '0'),
 * }
 * ```
 */
export interface Converter<T = unknown> {
  /** The regular expression (source text, no anchors) a captured segment must match in full. */
  readonly regex: string
  /** Turns the matched text into the value the view receives; throwing means "no match". */
  toValue(text: string): T
  /** Turns a value given to reverse() into URL text (it must match `regex` again). */
  toUrl(value: T): string
  /** True when the converter may span several `/`-separated segments (`path`). */
  readonly spansSegments?: boolean
}

/**
 * The value type of each converter name, for the type-level parsing of routes. Declare your own
 * converters here by module augmentation so `path('<year:y>/', view)` types `y`.
 *
 * @example
 * ```ts
 * declare module '../framework/urls/converters.ts' {
 *   interface ConverterTypes { year: number }
 * }
 * ```
 */
export interface ConverterTypes extends BuiltinConverterTypes {}

/** The value types of the built-in converters (what builtinConverters is typed over). */
export interface BuiltinConverterTypes {
  int: number
  str: string
  slug: string
  uuid: string
  path: string
}

const identity = {
  toValue: (text: string) => text,
  toUrl: (value: string) => String(value),
}

/** The built-in converters, as in Django. */
export const builtinConverters: {
  readonly [K in keyof BuiltinConverterTypes]: Converter<BuiltinConverterTypes[K]>
} = {
  int: {
    regex: '[0-9]+',
    toValue: (text: string) => Number.parseInt(text, 10),
    toUrl: (value: number) => {
      // Why the check: reverse('detail', { id: 1.5 }) must not produce a URL that cannot resolve.
      if (!Number.isSafeInteger(value) || value < 0)
        throw new TypeError(`expected a non-negative integer, got ${String(value)}`)
      return String(value)
    },
  },
  str: { regex: '[^/]+', ...identity },
  slug: { regex: '[-a-zA-Z0-9_]+', ...identity },
  uuid: {
    regex: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
    ...identity,
  },
  path: { regex: '.+', spansSegments: true, ...identity },
}

const custom = new Map<string, Converter>()

/**
 * Registers a custom converter under `name` (process-wide, as Django's register_converter: call
 * it at import time of your urls module, before the routes that use it are built).
 *
 * @example
 * ```ts
 * registerConverter('year', { regex: '[0-9]{4}', toValue: Number, toUrl: String })
 * path('archive/<year:y>/', archive)
 * ```
 */
export function registerConverter<T>(name: string, converter: Converter<T>): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw Object.assign(
      new TypeError(
        `Invalid converter name ${JSON.stringify(name)}: use letters, digits and _ (e.g. 'year').`,
      ),
      {
        code: 'urls.bad_converter_name',
      },
    )
  }
  if (name in builtinConverters) {
    throw Object.assign(
      new TypeError(
        `Converter ${JSON.stringify(name)} is built in and cannot be replaced; register it under another name.`,
      ),
      {
        code: 'urls.converter_exists',
      },
    )
  }
  try {
    new RegExp(`^(?:${converter.regex})$`)
  } catch (error) {
    throw Object.assign(
      new TypeError(
        `Converter ${JSON.stringify(name)} has an invalid regex ${JSON.stringify(converter.regex)}: ${(error as Error).message}`,
        { cause: error },
      ),
      {
        code: 'urls.bad_converter_regex',
      },
    )
  }
  custom.set(name, converter as Converter)
}

/** The converter registered under `name`, or undefined. */
export function getConverter(name: string): Converter | undefined {
  // Why the cast: a converter is called only with values of its own type, which the table hides.
  return (builtinConverters as unknown as Record<string, Converter>)[name] ?? custom.get(name)
}

/** Every converter name known now (for error messages). */
export function converterNames(): string[] {
  return [...Object.keys(builtinConverters), ...custom.keys()]
}
