/**
 * @module The full-framework configuration of `npm run bench`, as a gateway Application:
 * `serve bench/apps/framework/wsgi.ts:application --workers N`.
 */
import { getGatewayApplication } from '../../../framework/index.ts'
import { configureDatabases } from '../../../framework/db/index.ts'
import { settings } from './settings.ts'

await configureDatabases(settings.DATABASES)

export const application = getGatewayApplication(settings)
