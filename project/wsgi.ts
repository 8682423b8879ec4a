/**
 * @module The example project as a gateway Application: what `serve project/wsgi.ts` and every
 * other host load.
 */
import { getGatewayApplication } from '../framework/index.ts'
import { settings } from './settings.ts'

export const application = getGatewayApplication(settings)
