/**
 * @module TemplateView: renders a template with getContextData() on GET.
 */
import type { HttpRequest, HttpResponseBase } from '../http/index.ts'
import { render } from './shortcuts.ts'
import { View } from './view.ts'

/**
 * Renders `templateName`; the context holds the URL params and what getContextData() adds.
 *
 * @example
 * ```ts
 * path('about/', TemplateView.asView({ templateName: 'about.html' }), { name: 'about' })
 * ```
 */
export class TemplateView extends View {
  templateName: string | undefined = undefined
  /** Extra context merged into every render. */
  extraContext: Record<string, unknown> = {}

  /** The template to render; a coded error when none was set. */
  getTemplateName(): string {
    if (!this.templateName) {
      throw Object.assign(
        new Error(
          `${this.constructor.name} has no templateName: set it on the class or pass asView({ templateName: '...' }).`,
        ),
        {
          code: 'views.no_template_name',
        },
      )
    }
    return this.templateName
  }

  /** The context: the URL params, extraContext, then `extra`. Override to add more. */
  getContextData(
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> | Promise<Record<string, unknown>> {
    return { params: this.params, view: this, ...this.extraContext, ...extra }
  }

  /** Renders the template with `context`. */
  renderToResponse(context: Record<string, unknown>): HttpResponseBase {
    return render(this.request, this.getTemplateName(), context)
  }

  async get(_request: HttpRequest, _params: Record<string, unknown>): Promise<HttpResponseBase> {
    return this.renderToResponse(await this.getContextData())
  }
}
