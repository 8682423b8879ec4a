/**
 * @module The auth URLs (Django's django.contrib.auth.urls): include them under `accounts/`.
 */
import { path } from '../../urls/index.ts'
import { LoginView, LogoutView } from './views/login-view.ts'
import { PasswordChangeDoneView, PasswordChangeView } from './views/password-change-view.ts'
import {
  PasswordResetCompleteView,
  PasswordResetConfirmView,
  PasswordResetDoneView,
  PasswordResetView,
} from './views/password-reset-views.ts'

/**
 * Login, logout, password change and reset, with Django's URL names.
 *
 * @example
 * ```ts
 * import { authUrlpatterns } from 'framework/contrib/auth'
 * export const urlpatterns = [path('accounts/', include(authUrlpatterns)), ...]
 * // /accounts/login/, /accounts/logout/, /accounts/password_change/, /accounts/password_reset/, ...
 * ```
 */
export const authUrlpatterns = [
  path('login/', LoginView.asView(), { name: 'login' }),
  path('logout/', LogoutView.asView(), { name: 'logout' }),
  path('password_change/', PasswordChangeView.asView(), { name: 'password_change' }),
  path('password_change/done/', PasswordChangeDoneView.asView(), { name: 'password_change_done' }),
  path('password_reset/', PasswordResetView.asView(), { name: 'password_reset' }),
  path('password_reset/done/', PasswordResetDoneView.asView(), { name: 'password_reset_done' }),
  path('reset/<uidb64>/<token>/', PasswordResetConfirmView.asView(), {
    name: 'password_reset_confirm',
  }),
  path('reset/done/', PasswordResetCompleteView.asView(), { name: 'password_reset_complete' }),
] as const
