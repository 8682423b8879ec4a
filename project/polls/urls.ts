/**
 * @module The polls app's URL patterns, mounted by project/urls.ts under `polls/` in the `polls`
 * namespace: reverse('polls:detail', { pk: 1 }) is `/polls/1/`.
 */
import { path } from '../../framework/index.ts'
import { IndexView, QuestionDetailView, ResultsView, vote } from './views.ts'

export const urlpatterns = [
  path('', IndexView.asView(), { name: 'index' }),
  path('<int:pk>/', QuestionDetailView.asView(), { name: 'detail' }),
  path('<int:pk>/results/', ResultsView.asView(), { name: 'results' }),
  path('<int:questionId>/vote/', vote, { name: 'vote' }),
] as const
