/**
 * @module The blog's URL patterns, mounted by project/urls.ts under `blog/` in the `blog`
 * namespace: reverse('blog:detail', { slug }).
 */
import { path } from '../../framework/index.ts'
import { archive, boom, comment, PostDetailView, PostListView } from './views.ts'

export const urlpatterns = [
  path('', PostListView.asView(), { name: 'list' }),
  path('archive/<int:year>/', archive, { name: 'archive' }),
  path('boom/', boom, { name: 'boom' }),
  path('<slug:slug>/', PostDetailView.asView(), { name: 'detail' }),
  path('<slug:slug>/comment/', comment, { name: 'comment' }),
] as const
