// The API's schema types (generated from openapi.yaml into ./openapi-types.ts), named once
// for every layer: the stores and domain services are typed by them as much as the routes.
// A leaf: nothing here imports the rest of the server, so no layer depends on `api/` for types.
import type { components } from './openapi-types';

export type ApiSchemas = components['schemas'];
