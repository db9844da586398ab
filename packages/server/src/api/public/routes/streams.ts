// GET /streams?sourceId=…[&destinationId=…]: the source's streams, discovered now (a discovery
// is how this platform learns them; `ignoreCache` is accepted and changes nothing).
import { DESTINATION_SYNC_MODES } from '@platform/protocol';
import { destinationSyncModes } from '../../../services/definitions';
import { invalidField } from '../../../shared/errors';
import { toStreamProperties } from '../presenters/streams';
import { ok, type PublicRoute } from '../public-route';
import { booleanParam, uuidParam } from '../request-fields';

export const streamRoutes: PublicRoute[] = [
  {
    method: 'GET',
    path: '/streams',
    async handler({ query, services }) {
      const sourceId = uuidParam(query.get('sourceId'), 'sourceId');
      booleanParam(query, 'ignoreCache');
      let modes = DESTINATION_SYNC_MODES;
      const destinationId = query.get('destinationId');
      if (destinationId) {
        const destination = await services.actors.get('destination', uuidParam(destinationId, 'destinationId'));
        modes = destinationSyncModes((await services.definitions.load('destination', destination.definitionId)).spec);
      }
      const discovery = await services.actors.discover(sourceId);
      if (!discovery.catalog) throw invalidField('sourceId', `the source's streams could not be discovered: ${discovery.jobInfo.failureReason?.externalMessage ?? 'discovery failed'}`);
      return ok(discovery.catalog.streams.map(({ stream }) => toStreamProperties(stream, modes)));
    },
  },
];
