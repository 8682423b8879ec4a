/**
 * @module framework/templates: the eta engine wrapper (search path, layouts and blocks, includes,
 * autoescape with safe()), context processors, the url() and static() helpers. Imports conf/ only.
 */
export { TemplateEngine, type TemplateEngineOptions, type UrlHelper } from './template-engine.ts'
export { TemplateDoesNotExist } from './template-does-not-exist.ts'
export { SafeString, safe, escapeHtml } from './safe-string.ts'
export { templateDirs } from './template-dirs.ts'
export {
  builtinContextProcessors,
  contextProcessors,
  type ContextProcessor,
  type TemplateRequest,
} from './context-processors.ts'
export { staticUrl, loadManifest, MANIFEST_NAME, type StaticManifest } from './static-url.ts'
