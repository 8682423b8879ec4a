/**
 * Runs the admin test project as its own process on 127.0.0.1 (a free port), for the browser
 * test: prints `ADMIN_READY <port> <sqlite path>` once listening; SIGTERM closes it.
 */
import { createServer } from 'node:http'
import { toNodeListener } from '../../../../framework/gateway/index.ts'
import { startAdminProject } from './harness.ts'

const project = await startAdminProject()
const listener = toNodeListener(project.application, { multiprocess: false })
const server = createServer(listener)
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number }
  process.stdout.write(`ADMIN_READY ${address.port} ${project.dbPath}\n`)
})
process.on('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
  void project.dispose().then(() => process.exit(0))
})
