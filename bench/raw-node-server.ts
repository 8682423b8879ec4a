/**
 * @module The baseline for bench/serve-vs-node.ts: raw node:http answering "Hello World"
 * (text/plain, same bytes as examples/hello_world.ts), one process, or N node:cluster workers
 * with round-robin scheduling. Usage: `tsx bench/raw-node-server.ts PORT WORKERS`.
 */
import cluster from 'node:cluster'
import { createServer } from 'node:http'

const port = Number(process.argv[2])
const workers = Number(process.argv[3] ?? 1)
const hello = new TextEncoder().encode('Hello World')

function serve(): void {
  createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': hello.length })
    res.end(hello)
  }).listen(port, '127.0.0.1')
}

if (workers <= 1) serve()
else if (cluster.isPrimary) {
  // Round-robin in the primary, like serve's arbiter handing connections to workers.
  cluster.schedulingPolicy = cluster.SCHED_RR
  for (let i = 0; i < workers; i++) cluster.fork()
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill()
    process.exit(0)
  })
} else serve()
