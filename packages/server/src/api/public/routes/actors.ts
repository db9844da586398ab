// /sources and /destinations (Airbyte's public API treats both alike): create, get, list
// (paged, by workspace), patch (merges the given configuration keys), put (replaces it),
// delete. A secret sent back masked keeps its stored value (ActorService.update).
import { invalidField } from '../../../shared/errors';
import type { ActorKind } from '../../../store/config-store';
import type { JsonObject } from '../../../store/sealed-config';
import type { PlatformServices } from '../../../services/platform-services';
import { paged, pageOf } from '../paging';
import { toActorResponse } from '../presenters/actors';
import { noContent, ok, type PublicRoute } from '../public-route';
import { booleanParam, listParam, optionalObject, optionalString, requiredObject, requiredString, uuidParam } from '../request-fields';

/**
 * The definition a create names: `definitionId`, else Airbyte's `configuration.sourceType` /
 * `destinationType` (`postgres`, `s3`, ...). The type key is not part of the connector's config.
 */
function definitionFor(services: PlatformServices, kind: ActorKind, definitionId: string | undefined, configuration: JsonObject): { definitionId: string; configuration: JsonObject } {
  const typeKey = `${kind}Type`;
  const { [typeKey]: type, ...rest } = configuration;
  if (definitionId) return { definitionId: uuidParam(definitionId, 'definitionId'), configuration: rest };
  if (typeof type !== 'string') throw invalidField('definitionId', `is required (or configuration.${typeKey}, e.g. ${kind === 'source' ? 'postgres' : 's3'})`);
  const definitions = services.definitions.list(kind);
  const definition = definitions.find((d) => d.name === `${kind}-${type}` || d.name === type);
  if (!definition) throw invalidField(`configuration.${typeKey}`, `"${type.slice(0, 50)}" is not a connector of this platform; one of ${definitions.map((d) => d.name.replace(`${kind}-`, '')).join(', ')}`);
  return { definitionId: definition.id, configuration: rest };
}

/** A PATCH/PUT configuration may repeat the type key Airbyte's responses do not carry; it is not config. */
function withoutTypeKey(kind: ActorKind, configuration: JsonObject): JsonObject {
  const { [`${kind}Type`]: _type, ...rest } = configuration;
  return rest;
}

function routesFor(kind: ActorKind, collection: string): PublicRoute[] {
  const idName = `${kind}Id`;
  const id = (params: Record<string, string>) => uuidParam(params[idName], idName);
  return [
    {
      method: 'POST',
      path: `/${collection}`,
      async handler({ body, services }) {
        const { definitionId, configuration } = definitionFor(services, kind, optionalString(body, 'definitionId'), requiredObject(body, 'configuration') as JsonObject);
        const actor = await services.actors.create(kind, {
          workspaceId: uuidParam(requiredString(body, 'workspaceId'), 'workspaceId'),
          definitionId,
          name: requiredString(body, 'name'),
          configuration,
        });
        return ok(toActorResponse(actor, services.definitions));
      },
    },
    {
      method: 'GET',
      path: `/${collection}`,
      async handler({ query, url, services }) {
        if (booleanParam(query, 'includeDeleted')) throw invalidField('includeDeleted', 'is not supported: deleted sources and destinations are not listed');
        const ids = listParam(query, 'workspaceIds').map((w) => uuidParam(w, 'workspaceIds'));
        const workspaceIds = ids.length ? ids : (await services.workspaces.list()).map((w) => w.workspaceId);
        const actors = (await Promise.all(workspaceIds.map((w) => services.actors.list(kind, w)))).flat();
        return ok(paged(url, pageOf(query), actors.map((a) => toActorResponse(a, services.definitions))));
      },
    },
    {
      method: 'GET',
      path: `/${collection}/{${idName}}`,
      async handler({ params, services }) {
        return ok(toActorResponse(await services.actors.get(kind, id(params)), services.definitions));
      },
    },
    {
      method: 'PATCH',
      path: `/${collection}/{${idName}}`,
      async handler({ params, body, services }) {
        const current = await services.actors.get(kind, id(params));
        const changes = optionalObject(body, 'configuration') as JsonObject | undefined;
        const actor = await services.actors.update(kind, current.actorId, {
          name: optionalString(body, 'name') ?? current.name,
          configuration: { ...current.configuration, ...withoutTypeKey(kind, changes ?? {}) },
        });
        return ok(toActorResponse(actor, services.definitions));
      },
    },
    {
      method: 'PUT',
      path: `/${collection}/{${idName}}`,
      async handler({ params, body, services }) {
        const actor = await services.actors.update(kind, id(params), {
          name: requiredString(body, 'name'),
          configuration: withoutTypeKey(kind, requiredObject(body, 'configuration') as JsonObject),
        });
        return ok(toActorResponse(actor, services.definitions));
      },
    },
    {
      method: 'DELETE',
      path: `/${collection}/{${idName}}`,
      async handler({ params, services }) {
        await services.actors.delete(kind, id(params));
        return noContent();
      },
    },
  ];
}

export const actorRoutes: PublicRoute[] = [...routesFor('source', 'sources'), ...routesFor('destination', 'destinations')];
