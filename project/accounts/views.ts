/**
 * @module The example project's account pages: sign-up (Django's UserCreationForm, re-rendered
 * with its errors), log-in and log-out (contrib/auth's views), and a profile page only a
 * logged-in user can see. CsrfViewMiddleware (project/settings.ts) checks every form's token.
 */
import { redirect, render, type HttpRequest } from '../../framework/index.ts'
import {
  LoginView,
  LogoutView,
  UserCreationForm,
  login,
  loginRequired,
} from '../../framework/contrib/auth/index.ts'
import { messages } from '../../framework/contrib/messages/index.ts'
import { settings } from '../settings.ts'

/** GET: the empty form; POST: creates the user, logs them in, says so and goes to the polls. */
export const signUp = async (request: HttpRequest) => {
  const form = new UserCreationForm(settings)
  if (request.method === 'POST') {
    await request.parseBody()
    form.bind(request.POST)
    if (await form.isValid()) {
      const user = await form.save()
      await login(request, user)
      messages.success(request, `Welcome, ${user.username}! Your account was created.`)
      return redirect('polls:index')
    }
    return render(request, 'accounts/signup.html', { form: await form.prepare() }, { status: 400 })
  }
  return render(request, 'accounts/signup.html', { form: await form.prepare() })
}

/** Only for a logged-in user; anyone else is sent to the log-in page (with ?next=). */
export const profile = loginRequired(async (request: HttpRequest) => {
  return render(request, 'accounts/profile.html', {})
})

export const logIn = LoginView.asView()
export const logOut = LogoutView.asView({ nextPage: '/polls/' })
