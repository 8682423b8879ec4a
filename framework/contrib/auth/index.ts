/**
 * @module framework/contrib/auth: users, groups and permissions; password hashing and
 * validation; login and logout on the session; access control for views; the login, logout,
 * password change and password reset views. Install `'framework/contrib/auth'` (with
 * `'framework/contrib/sessions'`) in INSTALLED_APPS; docs/auth.md is the guide.
 */
import './request-user.ts'

/** Models and the user model protocol. */
export {
  User,
  Group,
  Permission,
  type UserInstance,
  type GroupInstance,
  type PermissionInstance,
} from './models.ts'
export {
  getUserModel,
  usernameField,
  createUser,
  createSuperuser,
  setPassword,
  checkUserPassword,
  normalizeEmail,
  type AuthUser,
  type AuthSettings,
  type NewUser,
} from './user-model.ts'
export { AnonymousUser } from './anonymous-user.ts'
export {
  createPermissions,
  contentTypeOf,
  DEFAULT_PERMISSIONS,
  type ModelSource,
} from './create-permissions.ts'

/** Authentication and permissions. */
export {
  authenticate,
  hasPerm,
  hasPerms,
  getAllPermissions,
  clearPermissionCache,
  type Credentials,
  type MaybeUser,
} from './backend.ts'
export {
  login,
  logout,
  getUser,
  updateSessionAuthHash,
  sessionAuthHash,
  SESSION_KEY,
  HASH_SESSION_KEY,
  BACKEND_SESSION_KEY,
} from './session-auth.ts'
export { AuthenticationMiddleware } from './authentication-middleware.ts'

/** Passwords. */
export {
  makePassword,
  checkPassword,
  getHashers,
  identifyHasher,
  isPasswordUsable,
  UNUSABLE_PASSWORD_PREFIX,
  UnknownHasherError,
  type PasswordCheck,
} from './hashers/passwords.ts'
export {
  Pbkdf2Sha256Hasher,
  Pbkdf2Sha1Hasher,
  DJANGO_PBKDF2_ITERATIONS,
  type Pbkdf2Options,
} from './hashers/pbkdf2-hasher.ts'
export { ScryptHasher, type ScryptHasherOptions } from './hashers/scrypt-hasher.ts'
export { constantTimeEquals, type PasswordHasher } from './hashers/password-hasher.ts'
export {
  validatePassword,
  getPasswordValidators,
  passwordValidatorsHelpTexts,
} from './password-validation/validate-password.ts'
export {
  MinimumLengthValidator,
  CommonPasswordValidator,
  NumericPasswordValidator,
  UserAttributeSimilarityValidator,
  similarityRatio,
} from './password-validation/builtin-validators.ts'
export type { PasswordValidator, PasswordIssue } from './password-validation/password-validator.ts'

/** Tokens and safe redirects. */
export { PasswordResetTokenGenerator, encodeUid, decodeUid } from './tokens.ts'
export { urlHasAllowedHostAndScheme } from './safe-url.ts'

/** Access control. */
export {
  loginRequired,
  permissionRequired,
  userPassesTest,
  redirectToLogin,
  type AccessOptions,
  type UserTest,
} from './decorators.ts'
export { LoginRequiredMixin, PermissionRequiredMixin, UserPassesTestMixin } from './mixins.ts'

/** Forms, views and URLs. */
export {
  AuthenticationForm,
  UserCreationForm,
  PasswordChangeForm,
  SetPasswordForm,
  PasswordResetForm,
} from './forms.ts'
export { LoginView, LogoutView } from './views/login-view.ts'
export { PasswordChangeView, PasswordChangeDoneView } from './views/password-change-view.ts'
export {
  PasswordResetView,
  PasswordResetDoneView,
  PasswordResetConfirmView,
  PasswordResetCompleteView,
} from './views/password-reset-views.ts'
export { safeNext, resolveUrl } from './views/success-url.ts'
export { authUrlpatterns } from './urls.ts'
