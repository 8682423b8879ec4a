/**
 * @module framework/contrib/admin: Django's admin. Register models on `site` with their options,
 * mount `site.urls` under a path, and staff users get list, search, filter, add, change, delete
 * and history pages built from the model declarations. Install the app
 * (`'framework/contrib/admin'` in INSTALLED_APPS) for its LogEntry model, templates and CSS.
 */

/** The site and registration. */
export { AdminSite, site } from './admin-site.ts'
export { ModelAdmin, type ResolvedColumn, type ResolvedInline } from './model-admin.ts'
export {
  action,
  column,
  inline,
  type ActionContext,
  type AdminAction,
  type FieldName,
  type Fieldset,
  type InlineOptions,
  type ListColumn,
  type ModelAdminOptions,
  type ObjectOf,
  type Permission,
} from './options.ts'
export { AdminError, type AdminErrorCode } from './admin-error.ts'

/** The change history. */
export { LogEntry, ADDITION, CHANGE, DELETION } from './models.ts'
export { logAction } from './log-entries.ts'

/** Building blocks for custom admin views. */
export { buildChangeList, type ChangeList } from './change-list.ts'
export { previewDeletion, type DeletionPreview } from './deletion-preview.ts'
export { ADMIN_TEMPLATES } from './render-admin.ts'
export { RAW_ID_THRESHOLD } from './admin-forms.ts'
