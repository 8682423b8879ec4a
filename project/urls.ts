/**
 * @module The example project's URLconf (ROOT_URLCONF). The example app's pages are added here
 * as they land; `handler404`/`handler500` exports would replace the default error pages.
 */
import { include, path, TemplateView } from '../framework/index.ts'
import { staticfilesUrlpatterns } from '../framework/contrib/staticfiles/index.ts'
import { site } from '../framework/contrib/admin/index.ts'
// Register the apps' models on the admin site before site.urls is read.
import './polls/admin.ts'
import './blog/admin.ts'
import { urlpatterns as blogPatterns } from './blog/urls.ts'
import { urlpatterns as pollsPatterns } from './polls/urls.ts'
import { urlpatterns as accountsPatterns } from './accounts/urls.ts'
import { settings } from './settings.ts'
import { home } from './views.ts'

export const urlpatterns = [
  path('', home, { name: 'home' }),
  path('about/', TemplateView.asView({ templateName: 'about.html' }), { name: 'about' }),
  path('admin/', site.urls),
  path('polls/', include(pollsPatterns, { namespace: 'polls' })),
  path('accounts/', include(accountsPatterns)),
  path('blog/', include(blogPatterns, { namespace: 'blog' })),
  // Serves static/ and the apps' static/ folders when DEBUG (an empty list otherwise).
  ...staticfilesUrlpatterns(settings),
]
