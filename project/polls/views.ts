/**
 * @module The polls app's views, as in Django's tutorial: the latest questions, a question with
 * its voting form, the results, and the vote itself. `index`, `detail` and `results` are written
 * twice: as plain functions (tutorial part 3) and as generic views (part 4, what urls.ts uses).
 */
import {
  DetailView,
  Http404,
  ListView,
  redirect,
  render,
  requirePost,
  type HttpRequest,
} from '../../framework/index.ts'
import { messages } from '../../framework/contrib/messages/index.ts'
import { F, type InstanceOf } from '../../framework/db/index.ts'
import { Choice, Question } from './models.ts'

type QuestionInstance = InstanceOf<typeof Question>

/** Questions already published: a question dated in the future stays hidden (tutorial part 5). */
function published() {
  return Question.objects.filter({ pubDate__lte: new Date() })
}

/** The published question with this id, or a 404 (Django's get_object_or_404). */
async function publishedQuestion(id: number): Promise<QuestionInstance> {
  const question = await published().filter({ id }).first()
  if (!question) throw new Http404(`No published question with id ${id}.`)
  return question
}

function choicesOf(question: QuestionInstance) {
  return Choice.objects.filter({ question: question.id }).list()
}

/** `/polls/`: the five latest published questions (function version). */
export async function index(request: HttpRequest) {
  const latestQuestionList = await published().orderBy('-pubDate').slice(0, 5).list()
  return render(request, 'polls/index.html', { latestQuestionList })
}

/** `/polls/<int:pk>/`: a question and its voting form (function version). */
export async function detail(request: HttpRequest, { pk }: { pk: number }) {
  const question = await publishedQuestion(pk)
  return render(request, 'polls/detail.html', { question, choices: await choicesOf(question) })
}

/** `/polls/<int:pk>/results/`: the votes of each choice (function version). */
export async function results(request: HttpRequest, { pk }: { pk: number }) {
  const question = await publishedQuestion(pk)
  return render(request, 'polls/results.html', { question, choices: await choicesOf(question) })
}

/** The generic version of index: a ListView over a QuerySet. */
export class IndexView extends ListView<QuestionInstance> {
  override templateName = 'polls/index.html'
  override contextObjectName = 'latestQuestionList'
  override getQueryset() {
    return published().orderBy('-pubDate').slice(0, 5).list()
  }
}

/** The generic version of detail (and, with another template, of results). */
export class QuestionDetailView extends DetailView<QuestionInstance> {
  override templateName = 'polls/detail.html'
  override contextObjectName = 'question'
  override async getObject(): Promise<QuestionInstance | undefined> {
    return published()
      .filter({ id: Number(this.params['pk']) })
      .first()
  }
  override async getContextData(
    extra: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const context = await super.getContextData(extra)
    // Templates render synchronously, so the choices are loaded here rather than in the template.
    return { ...context, choices: await choicesOf(context['question'] as QuestionInstance) }
  }
}

/** The results page as a generic view: the detail view with the results template. */
export class ResultsView extends QuestionDetailView {
  override templateName = 'polls/results.html'
}

/**
 * POST `/polls/<int:questionId>/vote/`: counts one vote and redirects to the results (PRG, so a
 * reload does not vote twice). The increment is `UPDATE ... SET votes = votes + 1` in the
 * database (an F() expression), so two voters at the same moment both count: no read-modify-write
 * in JavaScript, no row lock needed. CsrfViewMiddleware checks the token first. No choice, or a choice of another question: the form again
 * with a reason and status 400.
 */
export const vote = requirePost(async (
  request: HttpRequest,
  { questionId }: { questionId: number },
) => {
  const question = await publishedQuestion(questionId)
  await request.parseBody()
  const raw = request.POST.get('choice') ?? ''
  const choiceId = /^\d{1,15}$/.test(raw) ? Number(raw) : undefined
  const updated =
    choiceId === undefined
      ? 0
      : await Choice.objects
          .filter({ id: choiceId, question: question.id })
          .update({ votes: F('votes').add(1) })
  if (updated === 0) {
    return render(
      request,
      'polls/detail.html',
      {
        question,
        choices: await choicesOf(question),
        errorMessage: "You didn't select a choice.",
      },
      { status: 400 },
    )
  }
  messages.success(request, 'Your vote was counted.')
  return redirect('polls:results', { pk: question.id })
})
