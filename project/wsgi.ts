/**
 * @module The example project as a gateway Application: what `serve project/wsgi.ts` and every
 * other host load. setup() comes first: it opens DATABASES and loads the models of
 * INSTALLED_APPS, which the views and the admin need before the first request.
 */
import { fileURLToPath } from 'node:url'
import { getGatewayApplication, setup } from '../framework/index.ts'
import { settings } from './settings.ts'

// INSTALLED_APPS are folders relative to the repository root, wherever the process started.
await setup(settings, { cwd: fileURLToPath(new URL('..', import.meta.url)) })

export const application = getGatewayApplication(settings)
