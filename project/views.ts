/**
 * @module The project's own pages (the blog app has its own views): the home page.
 */
import { render, type HttpRequest } from '../framework/index.ts'
import { posts } from './blog/data.ts'

/** `/`: the three latest posts and links that show the error pages. */
export function home(request: HttpRequest) {
  return render(request, 'home.html', { latest: posts.slice(0, 3) })
}
