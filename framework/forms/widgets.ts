/**
 * @module Widgets: how a field is shown (an input, a textarea, a select...) and how its value is
 * read back from submitted data. One class, configured by the `widgets.*` factories; templates
 * live in framework/forms/templates/forms/widgets/ and can be overridden by the project.
 */
import type { DataSource, FileSource } from './form-input.ts'
import { renderAttrs, type HtmlAttrs } from './html-attrs.ts'
import type { SafeString } from '../templates/index.ts'
import type { UploadedFile } from '../http/index.ts'

/** A choice: the submitted value and its label. */
export type Choice = readonly [value: string | number | boolean, label: string]

/** What a widget reads from submitted data: text, several texts, or files. */
export type RawValue = string | readonly string[] | UploadedFile | readonly UploadedFile[] | undefined

/** One option of a select, radio or checkbox group, as its template sees it. */
export interface OptionContext {
  readonly value: string
  readonly label: string
  readonly selected: boolean
  readonly id: string
  readonly index: number
  readonly attrsHtml: SafeString
}

/** How a widget behaves; the factories fill it in. */
export interface WidgetConfig {
  readonly kind: string
  readonly templateName: string
  /** The `type` of an `<input>`. */
  readonly inputType?: string
  readonly attrs?: HtmlAttrs
  /** Reads every value of the name (select multiple, checkbox group). */
  readonly multiple?: boolean
  readonly isFile?: boolean
  readonly isHidden?: boolean
  /** false: never show the value again (passwords). */
  readonly renderValue?: boolean
  /** A group of inputs: rendered in a fieldset with a legend instead of a label. */
  readonly useFieldset?: boolean
  /** Options come from the field's choices. */
  readonly hasChoices?: boolean
  /** A checkbox: checked when the value is true. */
  readonly isCheckbox?: boolean
}

/** What render() needs besides the widget. */
export interface WidgetRenderInput {
  readonly name: string
  /** The value as text (several for multiple widgets, a boolean for a checkbox). */
  readonly value: string | readonly string[] | boolean | undefined
  readonly attrs: HtmlAttrs
  readonly choices?: readonly Choice[]
  readonly renderer: TemplateRenderer
}

/** Anything that renders a template by name to HTML (a FormRenderer). */
export interface TemplateRenderer {
  render(name: string, context: Record<string, unknown>): SafeString
}

/**
 * A widget. Build one with the `widgets` factories; pass extra attributes to any of them.
 *
 * @example
 * ```ts
 * field.char({ maxLength: 80, widget: widgets.text({ placeholder: 'Your name' }) })
 * ```
 */
export class Widget {
  readonly kind: string
  readonly templateName: string
  readonly inputType: string | undefined
  readonly attrs: HtmlAttrs
  readonly multiple: boolean
  readonly isFile: boolean
  readonly isHidden: boolean
  readonly renderValue: boolean
  readonly useFieldset: boolean
  readonly hasChoices: boolean
  readonly isCheckbox: boolean

  constructor(config: WidgetConfig) {
    this.kind = config.kind
    this.templateName = config.templateName
    this.inputType = config.inputType
    this.attrs = Object.freeze({ ...config.attrs })
    this.multiple = config.multiple ?? false
    this.isFile = config.isFile ?? false
    this.isHidden = config.isHidden ?? false
    this.renderValue = config.renderValue ?? true
    this.useFieldset = config.useFieldset ?? false
    this.hasChoices = config.hasChoices ?? false
    this.isCheckbox = config.isCheckbox ?? false
    Object.freeze(this)
  }

  /** The submitted value of `name`: text, texts, or file(s). */
  valueFromData(data: DataSource, files: FileSource, name: string): RawValue {
    if (this.isFile) return this.multiple ? files.getAll(name) : files.get(name)
    if (this.multiple) return data.getAll(name)
    return data.get(name)
  }

  /** The id a `<label for>` should point at (none for a group: it gets a legend). */
  idForLabel(id: string): string {
    return this.useFieldset ? '' : id
  }

  /** Renders the widget through `renderer` (the template named `templateName`). */
  render(input: WidgetRenderInput): SafeString {
    return input.renderer.render(this.templateName, { widget: this.context(input) })
  }

  /** The template context (`it.widget`): documented in docs/forms.md for template overrides. */
  context(input: WidgetRenderInput): Record<string, unknown> {
    const attrs: Record<string, string | number | boolean | undefined> = { ...this.attrs, ...input.attrs }
    const selected = new Set(
      input.value === undefined || typeof input.value === 'boolean'
        ? []
        : typeof input.value === 'string'
          ? [input.value]
          : input.value,
    )
    let value: string | undefined
    if (this.isCheckbox) {
      if (input.value === true) attrs['checked'] = true
    } else if (!this.multiple && !this.hasChoices && !this.isFile && this.renderValue) {
      value = typeof input.value === 'string' ? input.value : undefined
      // A number input shows nothing rather than an unparseable value the browser would drop.
    }
    if (this.multiple && this.kind === 'select-multiple') attrs['multiple'] = true
    if (this.isFile && this.multiple) attrs['multiple'] = true
    const id = typeof attrs['id'] === 'string' ? attrs['id'] : ''
    const options: OptionContext[] = (input.choices ?? []).map(([raw, label], index) => {
      const optionValue = String(raw)
      const isSelected = selected.has(optionValue)
      const optionId = id ? `${id}_${index}` : ''
      return {
        value: optionValue,
        label,
        selected: isSelected,
        id: optionId,
        index,
        attrsHtml: renderAttrs({
          id: this.useFieldset ? optionId || undefined : undefined,
          checked: this.useFieldset && isSelected,
          selected: !this.useFieldset && isSelected,
          // A required group needs one choice, not every box checked: only radios say required.
          required: this.useFieldset && this.kind === 'radio' ? attrs['required'] : undefined,
        }),
      }
    })
    const groupAttrs = this.useFieldset ? { ...attrs, required: undefined } : attrs
    return {
      kind: this.kind,
      name: input.name,
      type: this.inputType,
      value,
      values: [...selected],
      attrs: groupAttrs,
      attrsHtml: renderAttrs(groupAttrs),
      isHidden: this.isHidden,
      options,
      templateName: this.templateName,
    }
  }
}

const input = (kind: string, inputType: string, extra: Partial<WidgetConfig> = {}) =>
  (attrs?: HtmlAttrs): Widget =>
    new Widget({ kind, inputType, templateName: 'forms/widgets/input.html', ...extra, ...(attrs ? { attrs } : {}) })

/**
 * The widget factories, one per HTML control. Each takes extra attributes.
 *
 * @example
 * ```ts
 * widgets.textarea({ rows: 4 })
 * widgets.radio()
 * widgets.date({ min: '2024-01-01' })
 * ```
 */
export const widgets = {
  text: input('text', 'text'),
  number: input('number', 'number'),
  email: input('email', 'email'),
  url: input('url', 'url'),
  /** Never shows the submitted value again. */
  password: input('password', 'password', { renderValue: false }),
  hidden: input('hidden', 'hidden', { isHidden: true }),
  date: input('date', 'date'),
  dateTimeLocal: input('datetime-local', 'datetime-local'),
  time: input('time', 'time'),
  file: input('file', 'file', { isFile: true }),
  /** Several files under one name. */
  fileMultiple: input('file', 'file', { isFile: true, multiple: true }),
  checkbox: input('checkbox', 'checkbox', { isCheckbox: true }),
  textarea: (attrs?: HtmlAttrs): Widget =>
    new Widget({ kind: 'textarea', templateName: 'forms/widgets/textarea.html', attrs: { cols: 40, rows: 10, ...attrs } }),
  select: (attrs?: HtmlAttrs): Widget =>
    new Widget({ kind: 'select', templateName: 'forms/widgets/select.html', hasChoices: true, ...(attrs ? { attrs } : {}) }),
  selectMultiple: (attrs?: HtmlAttrs): Widget =>
    new Widget({
      kind: 'select-multiple',
      templateName: 'forms/widgets/select.html',
      hasChoices: true,
      multiple: true,
      ...(attrs ? { attrs } : {}),
    }),
  radio: (attrs?: HtmlAttrs): Widget =>
    new Widget({
      kind: 'radio',
      inputType: 'radio',
      templateName: 'forms/widgets/choice-group.html',
      hasChoices: true,
      useFieldset: true,
      ...(attrs ? { attrs } : {}),
    }),
  checkboxMultiple: (attrs?: HtmlAttrs): Widget =>
    new Widget({
      kind: 'checkbox-multiple',
      inputType: 'checkbox',
      templateName: 'forms/widgets/choice-group.html',
      hasChoices: true,
      multiple: true,
      useFieldset: true,
      ...(attrs ? { attrs } : {}),
    }),
  /** A multiple value sent as several hidden inputs (a formset's carried-over selection). */
  multipleHidden: (attrs?: HtmlAttrs): Widget =>
    new Widget({
      kind: 'multiple-hidden',
      inputType: 'hidden',
      templateName: 'forms/widgets/multiple-hidden.html',
      multiple: true,
      isHidden: true,
      ...(attrs ? { attrs } : {}),
    }),
}
