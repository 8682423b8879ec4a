/**
 * @module The project's URL names, declared once from urlpatterns: reverse('blog:detail', ...)
 * and redirect() names are then checked by the compiler. A flat map, computed without deep
 * recursion (framework/urls/url-pattern.ts).
 */
import type { UrlNamesOf } from '../framework/urls/index.ts'
import type { urlpatterns } from './urls.ts'

declare module '../framework/urls/url-names.ts' {
  interface UrlNames extends UrlNamesOf<typeof urlpatterns> {}
}
