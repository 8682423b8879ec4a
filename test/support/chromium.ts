/**
 * Debian's Chromium for browser tests, started the one way this machine allows: headless, no
 * sandbox (root), and without the background networking that the closed network refuses (many
 * connections at every start). Never downloads a browser.
 */
import { chromium, type BrowserContext } from 'playwright-core'

/** Where Debian's package installs the browser (.ci/run installs it). */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/**
 * Starts Chromium with a fresh profile folder (playwright's way of passing --user-data-dir).
 *
 * @example
 * ```ts
 * const context = await launchChromium(join(dir, 'profile'), { viewport: { width: 1280, height: 900 } })
 * ```
 */
export function launchChromium(
  profileDir: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    ...options,
  })
}
