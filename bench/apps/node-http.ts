/**
 * @module The baseline: raw node:http, W1 to W3 by hand (better-sqlite3 and eta for W3).
 * `tsx bench/apps/node-http.ts PORT WORKERS DB` (WORKERS > 1: node:cluster, round-robin).
 */
import { createServer } from 'node:http'
import {
  HELLO,
  jsonBody,
  peerArgs,
  rowsStatement,
  rowsTemplate,
  runWorkers,
} from './peer-runtime.ts'

const { port, workers, db } = peerArgs()

runWorkers(workers, () => {
  const render = rowsTemplate()
  const query = rowsStatement(db)
  createServer((req, res) => {
    if (req.url === '/plaintext') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(HELLO)
    } else if (req.url === '/json') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(jsonBody())
    } else if (req.url === '/rows') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(render(query()))
    } else {
      res.writeHead(404).end()
    }
  }).listen(port, '127.0.0.1')
})
