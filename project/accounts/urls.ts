/**
 * @module The account pages, mounted by project/urls.ts under `accounts/` (no namespace, so the
 * names are Django's: `login`, `logout`, as LOGIN_URL and the auth views expect).
 */
import { path } from '../../framework/index.ts'
import { logIn, logOut, profile, signUp } from './views.ts'

export const urlpatterns = [
  path('signup/', signUp, { name: 'signup' }),
  path('login/', logIn, { name: 'login' }),
  path('logout/', logOut, { name: 'logout' }),
  path('profile/', profile, { name: 'profile' }),
] as const
