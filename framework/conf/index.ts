/**
 * @module framework/conf: the settings schema, `defineSettings()`, environment overrides and the
 * system checks registry. Imports nothing else of framework/.
 */

/** Settings. */
export { defineSettings, type DefineSettingsOptions } from './define-settings.ts'
export {
  settingsSchema,
  type AnyFunction,
  type Settings,
  type SettingsInput,
} from './settings-schema.ts'
export { applyEnvOverrides, ENV_OVERRIDES } from './env-overrides.ts'
export { ImproperlyConfigured, type SettingsIssue } from './improperly-configured.ts'

/** System checks. */
export { CheckRegistry, type Check, type CheckMessage } from './checks/registry.ts'
export { builtinChecks, BUILTIN_CHECK_IDS } from './checks/builtin-checks.ts'
export { deployChecks, DEPLOY_CHECK_IDS, DEPLOY_TAG } from './checks/deploy-checks.ts'
export { resolveApp, type AppLocation } from './resolve-app.ts'

/** Importing the project's modules by path (precompiled under serve). */
export { importProjectModule, projectModuleUrl } from './module-loading.ts'
