/**
 * atomic() on both backends: commit, rollback on throw, nested savepoints, onCommit callbacks
 * (run after the outer commit, dropped on rollback), and isolation between concurrent atomics.
 */
import { expect, it } from 'vitest'
import { atomic, atomicFunction, inAtomicBlock, onCommit } from '../../framework/db/index.ts'
import { Question, pollModels } from './models.ts'
import { describeEachBackend } from './backends.ts'

const make = (text: string): Promise<unknown> =>
  Question.objects.create({ questionText: text, pubDate: new Date() })
const names = async (): Promise<unknown[]> =>
  Question.objects.orderBy('questionText').valuesList(['questionText'], { flat: true }).list()

describeEachBackend('atomic', pollModels, () => {
  it('commits when the function resolves and returns its value', async () => {
    const value = await atomic(async () => {
      await make('a')
      expect(inAtomicBlock()).toBe(true)
      return 42
    })
    expect(value).toBe(42)
    expect(inAtomicBlock()).toBe(false)
    expect(await names()).toEqual(['a'])
  })

  it('rolls back everything when the function throws, and rethrows', async () => {
    await expect(
      atomic(async () => {
        await make('a')
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await names()).toEqual([])
  })

  it('nests with savepoints: an inner failure caught by the caller keeps the outer work', async () => {
    await atomic(async () => {
      await make('outer')
      await atomic(async () => {
        await make('inner')
        throw new Error('inner fails')
      }).catch(() => {})
      await atomic(async () => {
        await make('inner ok')
      })
    })
    expect(await names()).toEqual(['inner ok', 'outer'])
  })

  it('recovers after a database error inside a savepoint (PostgreSQL aborts the transaction otherwise)', async () => {
    await atomic(async () => {
      await make('kept')
      await atomic(async () => {
        await Question.objects.create({ questionText: null as never, pubDate: new Date() })
      }).catch(() => {})
      await make('after')
    })
    expect(await names()).toEqual(['after', 'kept'])
  })

  it('runs onCommit callbacks after the outermost commit only', async () => {
    const calls: string[] = []
    await atomic(async () => {
      onCommit(() => calls.push('outer'))
      await atomic(async () => {
        onCommit(() => calls.push('inner'))
      })
      expect(calls).toEqual([])
    })
    expect(calls).toEqual(['outer', 'inner'])
  })

  it('drops onCommit callbacks of a rolled-back savepoint or transaction', async () => {
    const calls: string[] = []
    await atomic(async () => {
      onCommit(() => calls.push('kept'))
      await atomic(async () => {
        onCommit(() => calls.push('dropped'))
        throw new Error('x')
      }).catch(() => {})
    })
    await atomic(async () => {
      onCommit(() => calls.push('never'))
      throw new Error('y')
    }).catch(() => {})
    expect(calls).toEqual(['kept'])
  })

  it('runs onCommit at once outside a transaction', async () => {
    const calls: string[] = []
    await onCommit(() => calls.push('now'))
    expect(calls).toEqual(['now'])
  })

  it('keeps concurrent atomic blocks apart (each sees only its own uncommitted rows)', async () => {
    const results = await Promise.all(
      ['x', 'y'].map((name) =>
        atomic(async () => {
          await make(name)
          return Question.objects.filter({ questionText: name }).count()
        }),
      ),
    )
    expect(results).toEqual([1, 1])
    expect(await names()).toEqual(['x', 'y'])
  })

  it('atomicFunction runs each call in its own transaction (ATOMIC_REQUESTS)', async () => {
    const view = atomicFunction(async (text: string, fail: boolean) => {
      await make(text)
      if (fail) throw new Error('view failed')
      return inAtomicBlock()
    })
    expect(await view('ok', false)).toBe(true)
    await expect(view('rolled back', true)).rejects.toThrow('view failed')
    expect(await names()).toEqual(['ok'])
  })
})
