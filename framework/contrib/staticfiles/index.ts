/**
 * @module framework/contrib/staticfiles: finders over STATICFILES_DIRS and apps' static/, the
 * DEBUG-only serving view and its URL patterns, collectStatic() with hashed names and a manifest,
 * and staticUrl() (which reads that manifest when DEBUG is off).
 */
export {
  staticRoots,
  findStatic,
  listStaticFiles,
  safeSegments,
  type StaticFile,
} from './finders.ts'
export { staticServeView, staticfilesUrlpatterns } from './serve-static.ts'
export { collectStatic, hashedName, rewriteCssUrls, type CollectResult } from './collect-static.ts'
export {
  staticUrl,
  loadManifest,
  MANIFEST_NAME,
  type StaticManifest,
} from '../../templates/index.ts'
