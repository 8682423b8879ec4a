/**
 * @module framework/forms: forms declared with typed fields (zod underneath), bound to submitted
 * data, validated asynchronously, rendered through overridable templates; ModelForm from a
 * model, formsets and inline formsets. Imports db/, conf/, templates/, http/.
 */

/** Forms. */
export {
  Form,
  defineForm,
  NON_FIELD_ERRORS,
  type FormClass,
  type FormDefinition,
  type FormOptions,
  type FieldMap,
  type CleanedData,
  type FormErrors,
} from './form.ts'
export { BoundField, prettyName } from './bound-field.ts'
export { ValidationError, FormUsageError, type FormIssue } from './validation-error.ts'

/** Fields and widgets. */
export { field, type JsonValue, type CharOptions, type NumberOptions, type ChoiceOptions, type FileOptions } from './fields.ts'
export { FormField, type FieldOptions, type FieldSpec, type FieldOutput, type FieldValidator } from './form-field.ts'
export { Widget, widgets, type Choice, type RawValue, type WidgetConfig, type OptionContext } from './widgets.ts'
export { renderAttrs, type HtmlAttrs } from './html-attrs.ts'

/** ModelForm. */
export {
  ModelForm,
  modelForm,
  type ModelFormClass,
  type ModelFormOptions,
  type ModelFormCustomisation,
  type ModelFormFields,
  type ModelFieldValue,
  type EditableKeys,
} from './model-form.ts'
export { modelChoice, modelMultipleChoice, instanceLabel, type ModelChoiceOptions } from './model-choice-fields.ts'
export { formFieldFor } from './model-form-fields.ts'

/** Formsets. */
export {
  Formset,
  formset,
  DELETION_FIELD,
  type FormsetClass,
  type FormsetConfig,
  type FormsetOptions,
  type FormFactory,
} from './formset.ts'
export {
  ModelFormset,
  InlineFormset,
  modelFormset,
  inlineFormset,
  type ModelFormsetClass,
  type ModelFormsetOptions,
  type ModelFormsetSpec,
  type InlineFormsetClass,
  type InlineFormsetOptions,
} from './model-formset.ts'

/** Rendering. */
export { FormRenderer, defaultRenderer, formRenderer, BUILTIN_FORM_TEMPLATES } from './form-renderer.ts'

/** Submitted data. */
export type { FormDataInput, FormFilesInput } from './form-input.ts'
