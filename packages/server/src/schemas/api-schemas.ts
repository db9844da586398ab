// The API's schema types (generated from openapi.yaml into the leaf package @platform/api-types),
// named once for every layer: the stores and domain services are typed by them as much as the
// routes. Nothing here imports the rest of the server, so no layer depends on `api/` for types.
import type { components } from '@platform/api-types';

export type ApiSchemas = components['schemas'];
