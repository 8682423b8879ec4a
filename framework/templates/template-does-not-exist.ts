/**
 * @module TemplateDoesNotExist: the coded error of a template that no search directory holds.
 */

/**
 * No directory of the search path holds the template. `tried` lists every path searched.
 *
 * @example
 * ```ts
 * try { engine.render('missing.html') } catch (error) { if (error instanceof TemplateDoesNotExist) error.tried }
 * ```
 */
export class TemplateDoesNotExist extends Error {
  override name = 'TemplateDoesNotExist'
  readonly code = 'templates.does_not_exist'
  readonly templateName: string
  readonly tried: readonly string[]

  constructor(templateName: string, tried: readonly string[], reason?: string) {
    super(
      reason ??
        `Template ${JSON.stringify(templateName)} does not exist. Searched:\n${tried.map((p) => `  - ${p}`).join('\n') || '  (no template directories: set TEMPLATES.DIRS or add apps with a templates/ folder)'}\nCreate the file in one of these places or fix the name.`,
    )
    this.templateName = templateName
    this.tried = tried
  }
}
