/**
 * The acceptance line "hashing a password costs at least what Django's default costs on the
 * same machine": our default hasher (PBKDF2-SHA256, 1,000,000 iterations, the async pbkdf2 on
 * libuv's pool) against Django 5.2's default computed by Python's hashlib.pbkdf2_hmac with the
 * same parameters, timed on this machine. Debian's python3-django (3.2, 260,000 iterations) is
 * timed too when installed, for the report.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { makePassword } from '../../../framework/contrib/auth/index.ts'
import { defineSettings } from '../../../framework/conf/index.ts'
import { requireProgram } from '../../support/require-program.ts'

const settings = defineSettings({ DEBUG: true }, { env: {} })

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
}

function pythonSeconds(code: string, python = 'python3'): number {
  return Number(execFileSync(python, ['-c', code], { timeout: 60_000 }).toString().trim())
}

describe('hashing cost', () => {
  const python = requireProgram('python3', 'apt-get install python3')

  it.skipIf(!python.available)(
    `costs at least Django 5.2's default (hashlib, 1,000,000 iterations) ${python.reason}`,
    async () => {
      const ours: number[] = []
      for (let i = 0; i < 3; i++) {
        const started = performance.now()
        await makePassword('correct horse battery staple', settings)
        ours.push((performance.now() - started) / 1000)
      }
      const django5 = pythonSeconds(
        [
          'import hashlib, time, statistics',
          'def once():',
          '    t = time.perf_counter()',
          "    hashlib.pbkdf2_hmac('sha256', b'correct horse battery staple', b'Kq8ZJ0dF1Yx2mW3vT4uS5r', 1_000_000)",
          '    return time.perf_counter() - t',
          'print(statistics.median([once() for _ in range(3)]))',
        ].join('\n'),
      )
      let django32 = Number.NaN
      if (
        existsSync('/usr/lib/python3/dist-packages/django/__init__.py') &&
        existsSync('/usr/bin/python3')
      ) {
        django32 = pythonSeconds(
          [
            'import time, statistics, django',
            'from django.conf import settings',
            'settings.configure()',
            'django.setup()',
            'from django.contrib.auth.hashers import make_password',
            'def once():',
            '    t = time.perf_counter()',
            "    make_password('correct horse battery staple')",
            '    return time.perf_counter() - t',
            'print(statistics.median([once() for _ in range(3)]))',
          ].join('\n'),
          '/usr/bin/python3',
        )
      }
      console.log(
        `hashing cost (median of 3): ours ${median(ours).toFixed(3)} s; Django 5.2 default via hashlib ${django5.toFixed(3)} s; ` +
          `Debian python3-django 3.2 make_password ${Number.isNaN(django32) ? 'not installed' : `${django32.toFixed(3)} s`}`,
      )
      // Same algorithm and iterations: equal work. Allow 15% for scheduling noise between runs.
      expect(median(ours)).toBeGreaterThanOrEqual(django5 * 0.85)
    },
    120_000,
  )
})
