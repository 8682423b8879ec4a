/**
 * @module The blog's views: a paginated class-based list, a detail page by slug, a yearly
 * archive with an int converter, a comment form (POST, redirect after success), and a view that
 * fails on purpose to show the error pages.
 */
import {
  DetailView,
  Http404,
  ListView,
  redirect,
  reverse,
  render,
  requireHttpMethods,
  type HttpRequest,
} from '../../framework/index.ts'
import { addComment, commentsOf, postBySlug, posts, postsOfYear, type Post } from './data.ts'

/** `/blog/`: every post, three per page (`?page=2`; a bad page is a 404). */
export class PostListView extends ListView<Post> {
  override templateName = 'blog/post_list.html'
  override paginateBy = 3
  override contextObjectName = 'posts'
  override getQueryset(): readonly Post[] {
    return posts
  }
}

/** `/blog/<slug:slug>/`: one post with its comments and the comment form. */
export class PostDetailView extends DetailView<Post> {
  override templateName = 'blog/post_detail.html'
  override contextObjectName = 'post'
  override queryset = posts
  override async getContextData(
    extra: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const context = await super.getContextData(extra)
    return { comments: commentsOf((context['post'] as Post).id), errors: {}, form: {}, ...context }
  }
}

/** `/blog/archive/<int:year>/`: the posts of a year; `year` arrives as a number. */
export function archive(request: HttpRequest, { year }: { year: number }) {
  // reverse() is typed by project/url-names.ts; no return type annotation is needed here.
  const all = reverse('blog:list')
  return render(request, 'blog/archive.html', { year, posts: postsOfYear(year), all })
}

/** POST `/blog/<slug:slug>/comment/`: adds a comment, then redirects to the post (PRG). */
export const comment = requireHttpMethods(['POST'])(async (
  request: HttpRequest,
  { slug }: { slug: string },
) => {
  const post = postBySlug(slug)
  if (!post) throw new Http404(`No post with slug ${JSON.stringify(slug)}`)
  await request.parseBody()
  const author = (request.POST.get('author') ?? '').trim()
  const text = (request.POST.get('text') ?? '').trim()
  const errors: Record<string, string> = {}
  if (!author) errors['author'] = 'Please give your name.'
  if (!text) errors['text'] = 'Please write a comment.'
  else if (text.length > 500) errors['text'] = 'Comments are at most 500 characters.'
  if (Object.keys(errors).length) {
    return render(
      request,
      'blog/post_detail.html',
      { post, object: post, comments: commentsOf(post.id), errors, form: { author, text } },
      { status: 400 },
    )
  }
  addComment({ postId: post.id, author, text })
  return redirect('blog:detail', { slug })
})

/** `/blog/boom/`: throws, to show the debug page (DEBUG) or 500.html (production). */
export function boom(): never {
  throw new Error('This view fails on purpose: it demonstrates the error pages.')
}
