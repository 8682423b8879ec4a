/**
 * @module BoundField: a field together with its form's data: its name in HTML, id, label,
 * current value, errors, and its rendering (label, widget, help text, errors, aria attributes).
 */
import type { SafeString } from '../templates/index.ts'
import type { FormField } from './form-field.ts'
import type { HtmlAttrs } from './html-attrs.ts'
import type { Choice } from './widgets.ts'

/** What a BoundField needs from its form (kept narrow so formsets and ModelForms share it). */
export interface BoundFieldHost {
  readonly isBound: boolean
  readonly renderer: { render(name: string, context: Record<string, unknown>): SafeString }
  readonly labelSuffix: string
  readonly useRequiredAttribute: boolean
  addPrefix(name: string): string
  autoIdFor(htmlName: string): string
  initialFor(name: string): unknown
  rawValueFor(name: string): unknown
  fieldErrors(name: string): readonly string[]
  choicesFor(name: string): readonly Choice[] | undefined
}

/** `firstName` → "First name", `pub_date` → "Pub date". */
export function prettyName(name: string): string {
  const words = name.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/**
 * A field of a form instance; `form.field('email')` or iterate the form.
 *
 * @example
 * ```html
 * <% const email = it.form.field('email') %>
 * <%~ email.labelTag() %> <%~ email.widget() %> <%~ email.errorsHtml() %>
 * ```
 */
export class BoundField {
  readonly name: string
  readonly field: FormField
  readonly #host: BoundFieldHost

  constructor(host: BoundFieldHost, name: string, field: FormField) {
    this.#host = host
    this.name = name
    this.field = field
  }

  /** The name in HTML (with the form's prefix). */
  get htmlName(): string {
    return this.#host.addPrefix(this.name)
  }

  get label(): string {
    return this.field.label ?? prettyName(this.name)
  }

  /** The element id (`id_<htmlName>`), or '' when the form has autoId off. */
  get autoId(): string {
    return this.#host.autoIdFor(this.htmlName)
  }

  /** The id `<label for>` points at ('' for a group of radios or checkboxes). */
  get idForLabel(): string {
    return this.field.widget.idForLabel(this.autoId)
  }

  get isHidden(): boolean {
    return this.field.widget.isHidden
  }

  get helpText(): string {
    return this.field.helpText
  }

  get errors(): readonly string[] {
    return this.#host.fieldErrors(this.name)
  }

  /** The id of the help text element, when there is help text and an id. */
  get helpTextId(): string {
    return this.helpText && this.autoId ? `${this.autoId}_helptext` : ''
  }

  /** The id of the error list, when there are errors and an id. */
  get errorId(): string {
    return this.errors.length && this.autoId ? `${this.autoId}_error` : ''
  }

  /** The initial value (the form's `initial`, else the field's). */
  get initial(): unknown {
    return this.#host.initialFor(this.name)
  }

  /**
   * What the widget shows: the submitted text when bound (so a re-rendered form keeps the
   * user's input), otherwise the initial value formatted for the widget.
   */
  value(): string | readonly string[] | boolean | undefined {
    if (this.#host.isBound && !this.field.disabled) {
      const raw = this.#host.rawValueFor(this.name)
      if (this.field.widget.isCheckbox) return this.field.format(raw)
      if (typeof raw === 'string' || (Array.isArray(raw) && raw.every((v) => typeof v === 'string'))) return raw as string | string[]
      return undefined
    }
    return this.field.format(this.initial)
  }

  /** The widget's attributes: id, required, disabled, aria-invalid, aria-describedby, the field's own. */
  widgetAttrs(): HtmlAttrs {
    const describedBy = [this.helpTextId, this.errorId].filter(Boolean).join(' ')
    const widget = this.field.widget
    const required =
      this.#host.useRequiredAttribute &&
      this.field.required &&
      !widget.isHidden &&
      !(widget.kind === 'checkbox-multiple') &&
      !(widget.isFile && this.initial)
    return {
      // Constraints (maxlength, min...) mean nothing on a hidden input.
      ...(widget.isHidden ? {} : this.field.attrs),
      id: this.autoId || undefined,
      required: required || undefined,
      disabled: this.field.disabled || undefined,
      'aria-invalid': this.errors.length ? 'true' : undefined,
      // Why not on a fieldset group: there the fieldset carries the help text reference.
      'aria-describedby': describedBy && !widget.useFieldset && !widget.isHidden ? describedBy : undefined,
    }
  }

  /** The widget alone, as HTML. */
  widget(): SafeString {
    const choices = this.#host.choicesFor(this.name)
    return this.field.widget.render({
      name: this.htmlName,
      value: this.value(),
      attrs: this.widgetAttrs(),
      ...(choices ? { choices } : {}),
      renderer: this.#host.renderer,
    })
  }

  /** `<label for="id_x">Label:</label>`, escaped. */
  labelTag(): SafeString {
    return this.#host.renderer.render('forms/label.html', {
      label: this.label,
      suffix: this.#host.labelSuffix,
      id: this.idForLabel,
    })
  }

  /** The error list (`<ul class="errorlist" id="id_x_error">`), or nothing. */
  errorsHtml(): SafeString {
    return this.#host.renderer.render('forms/errors.html', { errors: this.errors, id: this.errorId, errorClass: '' })
  }

  /** The whole field: label (or legend), help text, errors and widget (`forms/field.html`). */
  render(templateName = 'forms/field.html'): SafeString {
    return this.#host.renderer.render(templateName, {
      field: {
        name: this.htmlName,
        label: this.label,
        labelSuffix: this.#host.labelSuffix,
        idForLabel: this.idForLabel,
        helpText: this.helpText,
        helpTextId: this.helpTextId,
        describedBy: [this.helpTextId, this.errorId].filter(Boolean).join(' '),
        errors: this.errors,
        errorsHtml: this.errorsHtml(),
        widgetHtml: this.widget(),
        useFieldset: this.field.widget.useFieldset,
        isHidden: this.isHidden,
        required: this.field.required,
        boundField: this,
      },
    })
  }

  toString(): string {
    return (this.isHidden ? this.widget() : this.render()).toString()
  }
}
