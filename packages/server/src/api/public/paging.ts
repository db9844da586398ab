// Airbyte's list responses: `{data, next, previous}` with `limit`/`offset` in the query and the
// neighbouring pages as absolute links that repeat the request's other parameters.
import { integerParam } from './request-fields';

export const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

export interface Page {
  limit: number;
  offset: number;
}

export function pageOf(query: URLSearchParams): Page {
  return { limit: integerParam(query, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT), offset: integerParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER) };
}

function linkTo(url: URL, limit: number, offset: number): string {
  const link = new URL(url);
  link.searchParams.set('limit', String(limit));
  link.searchParams.set('offset', String(offset));
  return link.toString();
}

/** The page of `items` (all of them, in order) with its links; `total` when the items are already one page. */
export function paged<T>(url: URL, page: Page, items: readonly T[], total = items.length, alreadySliced = false): { data: T[]; next?: string; previous?: string } {
  const data = alreadySliced ? [...items] : items.slice(page.offset, page.offset + page.limit);
  return {
    data,
    ...(page.offset + page.limit < total ? { next: linkTo(url, page.limit, page.offset + page.limit) } : {}),
    ...(page.offset > 0 ? { previous: linkTo(url, page.limit, Math.max(0, page.offset - page.limit)) } : {}),
  };
}
