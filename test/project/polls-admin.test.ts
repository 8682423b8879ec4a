/**
 * The polls app's admin registration (project/polls/admin.ts): Question registered on the default
 * site with its list columns and the Choice inline, Choice only through it.
 */
import { describe, expect, it } from 'vitest'
import { site } from '../../framework/contrib/admin/index.ts'
import { Choice, Question } from '../../project/polls/models.ts'
import '../../project/polls/admin.ts'

describe('polls admin registration', () => {
  it('registers Question with its columns and the Choice inline, and not Choice alone', () => {
    expect(site.isRegistered(Question)).toBe(true)
    expect(site.isRegistered(Choice)).toBe(false)
    const admin = site.adminFor(Question) as unknown as { options: { listDisplay: string[]; inlines: { model: unknown }[] } }
    expect(admin.options.listDisplay).toEqual(['questionText', 'pubDate'])
    expect(admin.options.inlines.map((i) => i.model)).toEqual([Choice])
  })
})
