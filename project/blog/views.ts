/**
 * @module The blog's views over its models (models.ts): a paginated class-based list, a detail
 * page by slug, a yearly archive with an int converter, a comment form (POST, redirect after
 * success), and a view that fails on purpose to show the error pages.
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
import { Comment, Post, type PostInstance } from './models.ts'

/** The comments of a post, oldest first (loaded here: templates render synchronously). */
function commentsOf(post: PostInstance) {
  return Comment.objects.filter({ post: post.id }).list()
}

/** `/blog/`: every post, newest first, three per page (`?page=2`; a bad page is a 404). */
export class PostListView extends ListView<PostInstance> {
  override templateName = 'blog/post_list.html'
  override paginateBy = 3
  override contextObjectName = 'posts'
  override getQueryset() {
    // The model's ordering (-published) applies; a small blog pages through it in memory.
    return Post.objects.all().list()
  }
}

/** `/blog/<slug:slug>/`: one post with its comments and the comment form. */
export class PostDetailView extends DetailView<PostInstance> {
  override templateName = 'blog/post_detail.html'
  override contextObjectName = 'post'
  override getObject() {
    return Post.objects.filter({ slug: String(this.params['slug']) }).first()
  }
  override async getContextData(
    extra: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const context = await super.getContextData(extra)
    const comments = await commentsOf(context['post'] as PostInstance)
    return { comments, errors: {}, form: {}, ...context }
  }
}

/** `/blog/archive/<int:year>/`: the posts of a year; `year` arrives as a number. */
export async function archive(request: HttpRequest, { year }: { year: number }) {
  // reverse() is typed by project/url-names.ts; no return type annotation is needed here.
  const all = reverse('blog:list')
  // `published` is an ISO date string, so a year is a range of strings.
  const posts = await Post.objects
    .filter({ published__gte: `${year}-01-01`, published__lte: `${year}-12-31` })
    .list()
  return render(request, 'blog/archive.html', { year, posts, all })
}

/** POST `/blog/<slug:slug>/comment/`: adds a comment, then redirects to the post (PRG). */
export const comment = requireHttpMethods(['POST'])(async (
  request: HttpRequest,
  { slug }: { slug: string },
) => {
  const post = await Post.objects.filter({ slug }).first()
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
      { post, object: post, comments: await commentsOf(post), errors, form: { author, text } },
      { status: 400 },
    )
  }
  await Comment.objects.create({ post, author, text })
  return redirect('blog:detail', { slug })
})

/** `/blog/boom/`: throws, to show the debug page (DEBUG) or 500.html (production). */
export function boom(): never {
  throw new Error('This view fails on purpose: it demonstrates the error pages.')
}
