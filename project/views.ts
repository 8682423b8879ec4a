/**
 * @module The project's own pages (the blog app has its own views): the home page.
 */
import { render, type HttpRequest } from '../framework/index.ts'
import { Post } from './blog/models.ts'

/** `/`: the three latest posts and links that show the error pages. */
export async function home(request: HttpRequest) {
  const latest = await Post.objects.all().slice(0, 3).list()
  return render(request, 'home.html', { latest })
}
