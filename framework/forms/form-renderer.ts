/**
 * @module FormRenderer: renders forms, fields and widgets through the eta template engine. The
 * built-in templates live in framework/forms/templates/forms/; a project overrides any of them
 * by putting a file with the same name (`forms/field.html`, `forms/widgets/input.html`) in its
 * own template folders, which are searched first.
 */
import { fileURLToPath } from 'node:url'
import type { Settings } from '../conf/index.ts'
import { defineSettings } from '../conf/index.ts'
import { safe, templateDirs, TemplateEngine, type SafeString } from '../templates/index.ts'

/** The folder of the built-in form templates (searched last). */
export const BUILTIN_FORM_TEMPLATES = fileURLToPath(new URL('./templates', import.meta.url))

/**
 * Renders form templates by name. `defaultRenderer()` knows only the built-in templates;
 * `formRenderer(settings)` searches the project's folders first (the generic views use it).
 *
 * @example
 * ```ts
 * const form = new ContactForm({ renderer: formRenderer(settings) })
 * ```
 */
export class FormRenderer {
  readonly #engine: TemplateEngine

  constructor(engine: TemplateEngine) {
    this.#engine = engine
  }

  /** Renders template `name` with `context`; the result is HTML (escaped inside the template). */
  render(name: string, context: Record<string, unknown>): SafeString {
    return safe(this.#engine.render(name, context))
  }
}

let builtin: FormRenderer | undefined

/** The renderer of forms that were given none: the built-in templates only. */
export function defaultRenderer(): FormRenderer {
  if (!builtin) {
    // Why a settings object of its own: the engine wants one, and a form used outside any project
    // (a script, a test) must still render. Its secret is never used; DEBUG off caches templates.
    const settings = defineSettings(
      {
        DEBUG: false,
        SECRET_KEY: 'forms-default-renderer-not-a-secret',
        TEMPLATES: { DIRS: [], APP_DIRS: false, CONTEXT_PROCESSORS: [] },
      },
      { env: {} },
    )
    builtin = new FormRenderer(new TemplateEngine(settings, { dirs: [BUILTIN_FORM_TEMPLATES] }))
  }
  return builtin
}

const perSettings = new WeakMap<Settings, FormRenderer>()

/**
 * The renderer of a project: its template folders first, then the built-in form templates.
 * One per settings object (the compiled-template cache is shared).
 *
 * @example
 * ```ts
 * // templates/forms/field.html in the project now replaces the built-in field layout
 * form.renderer = formRenderer(settings)
 * ```
 */
export function formRenderer(settings: Settings, cwd = process.cwd()): FormRenderer {
  let renderer = perSettings.get(settings)
  if (!renderer) {
    const dirs = [...templateDirs(settings, cwd), BUILTIN_FORM_TEMPLATES]
    renderer = new FormRenderer(new TemplateEngine(settings, { cwd, dirs }))
    perSettings.set(settings, renderer)
  }
  return renderer
}
