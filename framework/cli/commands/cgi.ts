/**
 * @module `framework cgi MODULE[:ATTR]`: serves the one request a CGI web server (lighttpd,
 * Apache, nginx with fcgiwrap) hands this process, with the application MODULE exports, then exits.
 */
import { readFileSync } from 'node:fs'
import { LoadApplicationError, loadApplication, runCgi } from '../../gateway/index.ts'
import type { Application } from '../../gateway/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command, CommandContext } from '../command.ts'

/**
 * The environment's raw bytes when `env` is this process's own (Linux keeps them in
 * /proc/self/environ): node decodes variables as UTF-8 and loses bytes that are not (a PATH_INFO
 * from `%FF`), while the gateway contract wants every byte, as latin-1.
 */
function rawVariables(ctx: CommandContext): Uint8Array | CommandContext['env'] {
  if (ctx.env !== process.env) return ctx.env
  try {
    return new Uint8Array(readFileSync('/proc/self/environ'))
  } catch {
    return ctx.env
  }
}

async function load(spec: string, ctx: CommandContext): Promise<Application> {
  try {
    return await loadApplication(spec, { cwd: ctx.cwd })
  } catch (error) {
    if (!(error instanceof LoadApplicationError)) throw error
    throw new CommandError('CLI-E03', `${error.message} [${error.code}]`, {
      hint: "name the application as MODULE[:ATTR], e.g. 'framework cgi project/wsgi.ts:application'",
      cause: error,
    })
  }
}

/**
 * The `cgi` command. Reads the request from the environment and stdin (RFC 3875), writes the
 * response to stdout, logs wsgi.errors to stderr (the web server's error log). Exit code 0 when
 * a whole response was written, 1 when it was cut (the application failed mid-body, or the web
 * server hung up).
 *
 * @example
 * ```sh
 * #!/bin/sh
 * # /var/www/cgi-bin/app.cgi
 * exec /usr/bin/node /srv/app/node_modules/framework/bin/framework.js cgi /srv/app/project/wsgi.ts
 * ```
 */
export const cgiCommand: Command = {
  name: 'cgi',
  summary: 'Serve one request as a CGI script (RFC 3875), under a CGI web server.',
  usage: 'framework cgi MODULE[:ATTR]',
  help: [
    'MODULE is the application module: a file path, with or without its extension (.ts is',
    'loaded directly), relative to the working directory or absolute. ATTR is its export',
    "(default 'application'). Examples: project/wsgi.ts, examples/hello_world.ts:processHttpRequest.",
    '',
    'The web server passes the request in environment variables (REQUEST_METHOD, PATH_INFO,',
    'QUERY_STRING, CONTENT_LENGTH, HTTP_*, ...) and the body on stdin; the response goes to',
    'stdout as a Status: line, headers and the body. One process per request: fine for small',
    "sites and for testing the gateway contract; use 'framework serve' for production traffic.",
    '',
    'A CGI script that runs it (lighttpd: cgi.assign = (".cgi" => "")):',
    '  #!/bin/sh',
    '  exec /usr/bin/node /srv/app/node_modules/framework/bin/framework.js cgi /srv/app/project/wsgi.ts',
    '',
    'Exit status: 0 when a whole response was written, 1 when it was cut, 2 for bad arguments.',
  ].join('\n'),
  async run(argv, ctx) {
    const { positionals } = parseCommandArgs('cgi', argv, {})
    if (positionals.length !== 1) {
      throw new CommandError(
        'CLI-E02',
        positionals.length === 0
          ? 'missing MODULE[:ATTR]: which application should answer the request?'
          : `expected one MODULE[:ATTR], got ${positionals.length}: ${positionals.join(' ')}`,
        { hint: 'framework cgi project/wsgi.ts:application' },
      )
    }
    if (ctx.env === process.env) {
      // httpoxy (CVE-2016-5385): a client's `Proxy:` header arrives as HTTP_PROXY, which HTTP
      // clients in this process would take as their proxy. The environ keeps it as a header.
      delete process.env.HTTP_PROXY
    }
    // Loaded after the line above, so a module that reads the proxy at import time is safe too.
    const application = await load(positionals[0]!, ctx)
    // lighttpd and Apache send SIGTERM when the client leaves; abort gateway.signal so the
    // body's close() still runs, instead of dying mid-response.
    const controller = new AbortController()
    const onTerm = () => controller.abort()
    process.on('SIGTERM', onTerm)
    try {
      const complete = await runCgi(application, {
        variables: rawVariables(ctx),
        stdin: ctx.stdin,
        stdout: ctx.stdout,
        stderr: ctx.stderr,
        signal: controller.signal,
      })
      return complete ? 0 : 1
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'GW-C01') {
        throw new CommandError('CLI-E03', error.message, {
          hint: "'framework help cgi' shows a CGI script for lighttpd",
        })
      }
      throw error
    } finally {
      process.off('SIGTERM', onTerm)
    }
  },
}
