/**
 * @module The Express peer: W1 to W3, W3 through kysely and the same eta template.
 * `tsx bench/apps/express.ts PORT WORKERS DB` (WORKERS > 1: node:cluster, round-robin).
 */
import express from 'express'
import { HELLO, peerArgs, rowsKysely, rowsTemplate, runWorkers } from './peer-runtime.ts'

const { port, workers, db } = peerArgs()

runWorkers(workers, () => {
  const render = rowsTemplate()
  const query = rowsKysely(db)
  const app = express()
  app.get('/plaintext', (_req, res) => {
    res.type('text/plain; charset=utf-8').send(HELLO)
  })
  app.get('/json', (_req, res) => {
    res.json({ message: HELLO })
  })
  app.get('/rows', async (_req, res) => {
    res.type('text/html; charset=utf-8').send(render(await query()))
  })
  app.listen(port, '127.0.0.1')
})
