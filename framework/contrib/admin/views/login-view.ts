/**
 * @module The admin's login and logout pages. Login uses auth's authenticate() and login() (a new
 * session key, the password hash in the session) and lets in only active staff users; `next`
 * is followed only when it is a path on this site.
 */
import {
  HttpResponseNotAllowed,
  HttpResponseRedirect,
  type HttpResponseBase,
} from '../../../http/index.ts'
import { authenticate, login, logout } from '../../auth/index.ts'
import { isAdminUser } from '../permissions.ts'
import type { AdminRequest } from './admin-request.ts'

/** Only a local path may be a redirect target (no scheme, no `//host`, no backslash tricks). */
export function safeNext(next: string | undefined, fallback: string): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || /[\\\u0000-\u001f]/.test(next)) {
    return fallback
  }
  return next
}

/** GET and POST /admin/login/ */
export async function loginView(request: AdminRequest): Promise<HttpResponseBase> {
  const http = request.request
  const index = request.url('index')
  const next = safeNext(http.POST.get('next') ?? http.GET.get('next'), index)
  if (http.method === 'GET' && isAdminUser(request.user)) return new HttpResponseRedirect(next)
  let error = ''
  let username = ''
  if (http.method === 'POST') {
    username = (http.POST.get('username') ?? '').slice(0, 150)
    const password = (http.POST.get('password') ?? '').slice(0, 4096)
    const user = await authenticate({ username, password }, request.settings)
    if (user && user.isActive && user.isStaff) {
      await login(http, user, request.settings)
      return new HttpResponseRedirect(next)
    }
    error =
      'Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.'
  } else if (http.method !== 'GET' && http.method !== 'HEAD') {
    return new HttpResponseNotAllowed(['GET', 'POST'])
  }
  const current = request.user
  const signedInElsewhere =
    current && current.isAuthenticated && !(current.isActive && current.isStaff)
      ? (current.username ?? '')
      : undefined
  return request.render('admin/login.html', {
    title: 'Log in',
    error,
    username,
    next,
    signedInElsewhere,
    loginUrl: request.url('login'),
  })
}

/** POST /admin/logout/ (a GET must not log anyone out: a link or an image could). */
export async function logoutView(request: AdminRequest): Promise<HttpResponseBase> {
  if (request.request.method !== 'POST') return new HttpResponseNotAllowed(['POST'])
  await logout(request.request)
  return request.render('admin/logged_out.html', {
    title: 'Logged out',
    loginUrl: request.url('login'),
    adminUser: undefined,
  })
}
