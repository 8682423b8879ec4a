/**
 * @module framework/http: HttpRequest (built from an environ), the HttpResponse family,
 * QueryDict, cookies, signing, the multipart parser and the HTTP error classes.
 * Imports only gateway/.
 */

/** Requests. */
export { HttpRequest, validateHost, type RequestOptions } from './http-request.ts'
export { QueryDict, decodeFormComponent } from './query-dict.ts'
export { RequestHeaders, ResponseHeaderMap } from './headers.ts'
export { UploadedFile, FileDict } from './uploaded-file.ts'
export { MultipartParser, parseHeaderParams, type MultipartEvent } from './multipart-parser.ts'

/** Responses. */
export {
  HttpResponseBase,
  type FinalizeOptions,
  type GatewayResponse,
  type ResponseInit,
} from './http-response-base.ts'
export { HttpResponse } from './http-response.ts'
export {
  JsonResponse,
  HttpResponseRedirect,
  HttpResponsePermanentRedirect,
  HttpResponseNotModified,
  HttpResponseBadRequest,
  HttpResponseForbidden,
  HttpResponseNotFound,
  HttpResponseNotAllowed,
  HttpResponseGone,
  HttpResponseServerError,
} from './more-responses.ts'
export { StreamingHttpResponse, type StreamingContent } from './streaming-http-response.ts'
export {
  FileResponse,
  guessContentType,
  parseRange,
  type FileResponseInit,
} from './file-response.ts'

/** Cookies and signing. */
export { parseCookies, serializeCookie, type CookieOptions } from './cookies.ts'
export { sign, unsign, BadSignature } from './signing.ts'

/** HTTP errors that render themselves. */
export {
  HttpError,
  Http404,
  PermissionDenied,
  BadRequest,
  SuspiciousOperation,
  DisallowedHost,
  TooManyFieldsSent,
  RequestDataTooBig,
  MethodNotAllowed,
  Gone,
} from './http-errors.ts'

/** Views. */
export type { ViewFunction } from './view-function.ts'
