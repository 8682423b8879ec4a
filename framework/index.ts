/**
 * @module framework: the everyday API. Everything else is under its layer's entry point
 * (framework/gateway, framework/db, ...).
 */

/** The application and settings. */
export { getGatewayApplication } from './core/index.ts'
export { setup, getApps } from './db/index.ts'
export { defineSettings, ImproperlyConfigured, type Settings, type SettingsInput } from './conf/index.ts'

/** Middleware. */
export {
  SecurityMiddleware,
  CommonMiddleware,
  XFrameOptionsMiddleware,
  ConditionalGetMiddleware,
  GZipMiddleware,
  type Middleware,
  type GetResponse,
} from './core/index.ts'

/** Requests and responses. */
export {
  HttpRequest,
  QueryDict,
  HttpResponse,
  JsonResponse,
  StreamingHttpResponse,
  FileResponse,
  HttpResponseRedirect,
  HttpResponsePermanentRedirect,
  HttpResponseNotModified,
  HttpResponseBadRequest,
  HttpResponseForbidden,
  HttpResponseNotFound,
  HttpResponseNotAllowed,
  HttpResponseGone,
  HttpResponseServerError,
  type HttpResponseBase,
  type ViewFunction,
} from './http/index.ts'

/** HTTP errors. */
export {
  Http404,
  PermissionDenied,
  BadRequest,
  SuspiciousOperation,
  MethodNotAllowed,
  Gone,
  HttpError,
} from './http/index.ts'

/** URLs: routes, namespaces, the resolver and typed reverse(). */
export {
  path,
  include,
  registerConverter,
  reverse,
  URLResolver,
  Resolver404,
  NoReverseMatch,
  type Converter,
  type ResolverMatch,
  type RouteParams,
  type UrlNames,
  type UrlNamesOf,
} from './urls/index.ts'

/** Views: class-based views, decorators and shortcuts. */
export {
  View,
  TemplateView,
  RedirectView,
  ListView,
  DetailView,
  FormView,
  CreateView,
  UpdateView,
  DeleteView,
  Paginator,
  requireHttpMethods,
  requireGet,
  requirePost,
  cacheControl,
  neverCache,
  render,
  redirect,
  getObjectOr404,
  getListOr404,
} from './views/index.ts'

/** Forms: declared fields, ModelForm, formsets. */
export { defineForm, field, modelForm, ValidationError } from './forms/index.ts'

/** Templates: marking text as HTML. */
export { safe, SafeString, TemplateDoesNotExist } from './templates/index.ts'
