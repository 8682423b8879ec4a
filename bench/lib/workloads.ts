/**
 * @module The four workloads of issue 10, as requests every configuration answers.
 */
import type { RequestSpec } from './load-generator.ts'

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4'

export interface Workload {
  id: WorkloadId
  title: string
  spec: RequestSpec
}

export const WORKLOADS: Record<WorkloadId, Workload> = {
  W1: { id: 'W1', title: 'plaintext "Hello, World!"', spec: { path: '/plaintext' } },
  W2: { id: 'W2', title: 'JSON {"message": "Hello, World!"}', spec: { path: '/json' } },
  W3: {
    id: 'W3',
    title: '20 of 1000 rows (SQLite) through an ORM and an autoescaping template',
    spec: { path: '/rows' },
  },
  W4: {
    id: 'W4',
    title: 'form POST with a session, a CSRF check and a database write',
    spec: { path: '/form', method: 'POST' },
  },
}
