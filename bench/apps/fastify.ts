/**
 * @module The Fastify peer: W1 to W3, W3 through kysely and the same eta template.
 * `tsx bench/apps/fastify.ts PORT WORKERS DB` (WORKERS > 1: node:cluster, round-robin).
 */
import Fastify from 'fastify'
import { HELLO, peerArgs, rowsKysely, rowsTemplate, runWorkers } from './peer-runtime.ts'

const { port, workers, db } = peerArgs()

runWorkers(workers, () => {
  const render = rowsTemplate()
  const query = rowsKysely(db)
  const app = Fastify({ logger: false })
  app.get('/plaintext', (_req, reply) => reply.type('text/plain; charset=utf-8').send(HELLO))
  app.get('/json', () => ({ message: HELLO }))
  app.get('/rows', async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(render(await query())),
  )
  void app.listen({ port, host: '127.0.0.1' })
})
