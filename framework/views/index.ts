/**
 * @module framework/views: class-based views (View, TemplateView, RedirectView, ListView with a
 * Paginator, DetailView, FormView), decorators and the render()/redirect() shortcuts.
 * Imports http/, templates/, urls/, conf/.
 */

/** Class-based views. */
export { View, HTTP_METHOD_NAMES } from './view.ts'
export { TemplateView } from './template-view.ts'
export { RedirectView } from './redirect-view.ts'
export { ListView } from './list-view.ts'
export { DetailView } from './detail-view.ts'
export { FormView, requestFormRenderer, type FormViewFormClass } from './form-view.ts'
export { CreateView, UpdateView, DeleteView } from './edit-views.ts'
export { Paginator, Page, InvalidPage } from './paginator.ts'

/** Decorators. */
export {
  requireHttpMethods,
  requireGet,
  requirePost,
  requireSafe,
  cacheControl,
  cacheControlHeader,
  neverCache,
  type CacheControlOptions,
} from './decorators.ts'

/** Shortcuts. */
export {
  render,
  redirect,
  type RenderOptions,
  type HasAbsoluteUrl,
  type RedirectOptions,
  type UrlLike,
  getObjectOr404,
  getListOr404,
  type ObjectSource,
} from './shortcuts.ts'
export { templateEngine, requestSettings } from './template-engines.ts'
