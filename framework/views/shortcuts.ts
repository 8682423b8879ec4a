/**
 * @module Shortcuts: render() and redirect(), as in django.shortcuts.
 */
import type { Settings } from '../conf/index.ts'
import {
  DoesNotExist,
  QuerySet,
  type AnyModelClass,
  type FilterInput,
  type InstanceOf,
} from '../db/index.ts'
import {
  Http404,
  HttpResponse,
  HttpResponsePermanentRedirect,
  HttpResponseRedirect,
  type HttpRequest,
} from '../http/index.ts'
import {
  getRootResolver,
  NoReverseMatch,
  type ReverseArgs,
  type ReverseName,
} from '../urls/index.ts'
import { requestSettings, templateEngine } from './template-engines.ts'

/** Options of render(). */
export interface RenderOptions {
  status?: number
  contentType?: string
  /** The settings, when the request does not carry them (a hand-built request in a test). */
  settings?: Settings
}

/**
 * Renders `templateName` with `context` (plus the context processors' values) into an
 * HttpResponse, and records the template name and context on it for the test client.
 *
 * @example
 * ```ts
 * export function index(request: HttpRequest) {
 *   return render(request, 'polls/index.html', { polls: latestPolls() })
 * }
 * ```
 */
export function render(
  request: HttpRequest,
  templateName: string,
  context: Record<string, unknown> = {},
  options: RenderOptions = {},
): HttpResponse {
  const settings = requestSettings(request, options.settings)
  const html = templateEngine(settings).render(templateName, context, request)
  const response = new HttpResponse(html, {
    ...(options.status !== undefined ? { status: options.status } : {}),
    ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
  })
  response.templateName = templateName
  response.context = context
  return response
}

/** Anything with a canonical URL (models, once the ORM lands). */
export interface HasAbsoluteUrl {
  getAbsoluteUrl(): string
}

/** Options of redirect(). */
export interface RedirectOptions {
  /** 301 instead of 302. */
  permanent?: boolean
}

/**
 * A string redirect() takes as a URL, never as a route name: it has a '/' or a '.', the same
 * rule Django applies at run time (a URL name never contains either).
 */
export type UrlLike = `${string}/${string}` | `${string}.${string}`

/**
 * A redirect to: an object's getAbsoluteUrl(), a URL, or a route name with its params. Route
 * names and params are checked by the compiler against the project's `UrlNames`, as reverse().
 * A string is reversed first; when no route has that name and it looks like a URL (has '/' or
 * '.'), it is used as is, as Django does.
 *
 * @example
 * ```ts
 * return redirect('polls:detail', { id: poll.id })
 * return redirect('/thanks/')
 * return redirect(article, {}, { permanent: true })
 * ```
 */
export function redirect(
  to: HasAbsoluteUrl | UrlLike,
  params?: Record<string, never>,
  options?: RedirectOptions,
): HttpResponseRedirect
export function redirect<N extends ReverseName>(
  to: N,
  ...args: [...ReverseArgs<N>, options?: RedirectOptions]
): HttpResponseRedirect
export function redirect(
  to: string | HasAbsoluteUrl,
  params: Record<string, unknown> = {},
  options: RedirectOptions = {},
): HttpResponseRedirect {
  const url = typeof to === 'string' ? resolveTarget(to, params) : to.getAbsoluteUrl()
  return options.permanent ? new HttpResponsePermanentRedirect(url) : new HttpResponseRedirect(url)
}

function resolveTarget(to: string, params: Record<string, unknown>): string {
  const resolver = getRootResolver()
  const looksLikeUrl = to.includes('/') || to.includes('.')
  if (resolver) {
    try {
      return (resolver.reverse as (n: string, p?: Record<string, unknown>) => string)(to, params)
    } catch (error) {
      if (!(error instanceof NoReverseMatch) || !looksLikeUrl) throw error
    }
  } else if (!looksLikeUrl) {
    throw new NoReverseMatch(
      `redirect(${JSON.stringify(to)}): no URLconf is loaded to reverse that name; give a URL ('/path/') or redirect inside a request.`,
    )
  }
  return to
}

/** A model or a QuerySet of it: what getObjectOr404() and getListOr404() search. */
export type ObjectSource<M extends AnyModelClass> = M | QuerySet<M>

function querySetOf<M extends AnyModelClass>(source: ObjectSource<M>): QuerySet<M> {
  return source instanceof QuerySet ? source : (source.objects as unknown as QuerySet<M>)
}

/** The largest value an integer key column holds. */
const INTEGER_KEY_MAX: Partial<Record<string, number>> = {
  AutoField: 2147483647,
  IntegerField: 2147483647,
  SmallIntegerField: 32767,
  BigAutoField: Number.MAX_SAFE_INTEGER,
  BigIntegerField: Number.MAX_SAFE_INTEGER,
}

/**
 * A primary key the column cannot hold ('abc', or 99999999999 for an integer key) matches
 * nothing: a 404, not a database error (PostgreSQL rejects such a comparison).
 */
function impossibleKey(model: AnyModelClass, filters: readonly unknown[]): boolean {
  const max = INTEGER_KEY_MAX[model.meta.pk.kind]
  if (max === undefined) return false
  return filters.some((filter) => {
    if (typeof filter !== 'object' || filter === null || !('pk' in filter)) return false
    const pk = (filter as { pk: unknown }).pk
    const number = typeof pk === 'number' ? pk : typeof pk === 'string' && /^-?\d{1,16}$/.test(pk) ? Number(pk) : NaN
    return !(Number.isSafeInteger(number) && Math.abs(number) <= max)
  })
}

/**
 * The one object matching `filters`, or Http404 (Django's get_object_or_404).
 *
 * @example
 * ```ts
 * const question = await getObjectOr404(Question, { pk: params.id })
 * const mine = await getObjectOr404(Question.objects.filter({ ownerId: user.id }), { pk: params.id })
 * ```
 */
export async function getObjectOr404<M extends AnyModelClass>(
  source: ObjectSource<M>,
  ...filters: FilterInput<M>[]
): Promise<InstanceOf<M>> {
  const queryset = querySetOf(source)
  const model = queryset.model as AnyModelClass
  if (impossibleKey(model, filters)) throw new Http404(`No ${model.modelName} matches the given query.`)
  try {
    return (await queryset.get(...filters)) as InstanceOf<M>
  } catch (error) {
    if (error instanceof DoesNotExist) throw new Http404(`No ${model.modelName} matches the given query.`)
    throw error
  }
}

/**
 * The objects matching `filters`, or Http404 when there are none (Django's get_list_or_404).
 *
 * @example
 * ```ts
 * const choices = await getListOr404(Choice, { questionId: params.id })
 * ```
 */
export async function getListOr404<M extends AnyModelClass>(
  source: ObjectSource<M>,
  ...filters: FilterInput<M>[]
): Promise<InstanceOf<M>[]> {
  const queryset = querySetOf(source)
  const model = queryset.model as AnyModelClass
  if (impossibleKey(model, filters)) throw new Http404(`No ${model.modelName} matches the given query.`)
  const list = (await (filters.length ? queryset.filter(...filters) : queryset.all()).list()) as InstanceOf<M>[]
  if (list.length === 0) throw new Http404(`No ${model.modelName} matches the given query.`)
  return list
}
