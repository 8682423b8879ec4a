/**
 * @module framework/testing: the test Client (in process, no socket) and test helpers.
 */

/** The test Client. */
export {
  Client,
  type ClientData,
  type ClientFile,
  type ClientOptions,
  type ClientResponse,
  type RequestOptions,
} from './client.ts'

/** Query counting for tests (Django's assertNumQueries / CaptureQueriesContext). */
export { assertNumQueries, captureQueries } from '../db/index.ts'

/** A test database built by running every migration (the test runner's; also for custom setups). */
export { createTestDatabase, migrateTestDatabase, type TestDatabase } from '../db/index.ts'
