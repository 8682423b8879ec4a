/**
 * @module Operations on a model's indexes and constraints: AddIndex, RemoveIndex, RenameIndex,
 * AddConstraint, RemoveConstraint.
 */
import type { ConstraintSpec, IndexSpec } from '../../models/model-meta.ts'
import { deepEqual } from '../field-state.ts'
import { MigrationError } from '../migration-error.ts'
import { alterModelOperation } from './model-operations.ts'
import type { Operation } from './operation.ts'

function indexLabel(index: IndexSpec): string {
  return index.name ?? `on ${index.fields.join(', ')}`
}

/**
 * Adds an index.
 *
 * @example
 * ```ts
 * migrations.addIndex({ model: 'Question', index: { name: 'polls_question_pub_idx', fields: ['-pubDate'] } })
 * ```
 */
export function addIndex(args: { model: string; index: IndexSpec }): Operation {
  return alterModelOperation(
    'addIndex',
    args,
    args.model,
    `Create index ${indexLabel(args.index)} on ${args.model}`,
    (m) => ({
      ...m,
      indexes: [...m.indexes, { ...args.index, fields: [...args.index.fields] }],
    }),
  )
}

/**
 * Removes an index (the whole declaration is kept so a rollback can recreate it).
 *
 * @example
 * ```ts
 * migrations.removeIndex({ model: 'Question', index: { name: 'polls_question_pub_idx', fields: ['-pubDate'] } })
 * ```
 */
export function removeIndex(args: { model: string; index: IndexSpec }): Operation {
  return alterModelOperation(
    'removeIndex',
    args,
    args.model,
    `Remove index ${indexLabel(args.index)} from ${args.model}`,
    (m) => {
      const kept = m.indexes.filter((index) => !deepEqual({ ...index }, { ...args.index }))
      if (kept.length === m.indexes.length)
        throw new MigrationError(
          'migrations.E004',
          `Model ${m.name} has no index ${indexLabel(args.index)} in the migration state`,
        )
      return { ...m, indexes: kept }
    },
  )
}

/**
 * Renames an index.
 *
 * @example
 * ```ts
 * migrations.renameIndex({ model: 'Question', oldName: 'q_pub_idx', newName: 'polls_question_pub_idx' })
 * ```
 */
export function renameIndex(args: { model: string; oldName: string; newName: string }): Operation {
  return alterModelOperation(
    'renameIndex',
    args,
    args.model,
    `Rename index ${args.oldName} on ${args.model} to ${args.newName}`,
    (m) => {
      if (!m.indexes.some((index) => index.name === args.oldName))
        throw new MigrationError(
          'migrations.E004',
          `Model ${m.name} has no index named ${args.oldName} in the migration state`,
        )
      return {
        ...m,
        indexes: m.indexes.map((index) =>
          index.name === args.oldName ? { ...index, name: args.newName } : index,
        ),
      }
    },
  )
}

/**
 * Adds a unique or check constraint.
 *
 * @example
 * ```ts
 * migrations.addConstraint({ model: 'Choice', constraint: { type: 'unique', name: 'choice_text_once', fields: ['question', 'choiceText'] } })
 * ```
 */
export function addConstraint(args: { model: string; constraint: ConstraintSpec }): Operation {
  return alterModelOperation(
    'addConstraint',
    args,
    args.model,
    `Create constraint ${args.constraint.name} on ${args.model}`,
    (m) => ({
      ...m,
      constraints: [...m.constraints, { ...args.constraint }],
    }),
  )
}

/**
 * Removes a constraint (the declaration is kept so a rollback can recreate it).
 *
 * @example
 * ```ts
 * migrations.removeConstraint({ model: 'Choice', constraint: { type: 'check', name: 'votes_positive', check: 'votes >= 0' } })
 * ```
 */
export function removeConstraint(args: { model: string; constraint: ConstraintSpec }): Operation {
  return alterModelOperation(
    'removeConstraint',
    args,
    args.model,
    `Remove constraint ${args.constraint.name} from ${args.model}`,
    (m) => {
      const kept = m.constraints.filter((c) => c.name !== args.constraint.name)
      if (kept.length === m.constraints.length)
        throw new MigrationError(
          'migrations.E004',
          `Model ${m.name} has no constraint ${args.constraint.name} in the migration state`,
        )
      return { ...m, constraints: kept }
    },
  )
}
