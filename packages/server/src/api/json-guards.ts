// Checks on a parsed request body that JSON Schema cannot express and that must hold
// before anything else walks it: bounded nesting (recursive code such as validation,
// serialization or a client reading the stored config back must never meet 10,000 levels),
// and strings Postgres and UTF-8 can store (no NUL, no lone UTF-16 surrogate). Iterative,
// so the walk itself cannot overflow the stack.
import type { InvalidInputDetail } from '../shared/errors';

export const DEFAULT_MAX_JSON_DEPTH = 64;
/** Enough to name every problem of a body without answering with a body of its own size. */
const MAX_DETAILS = 20;

function keyPath(parent: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  if (segment !== key) return `${parent}[${segment}]`;
  return parent ? `${parent}.${key}` : key;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'is not valid Unicode: it contains a lone UTF-16 surrogate';
  return undefined;
}

/**
 * The problems of `body`, each naming its field path as validation errors do (`a.b[0]`,
 * `(body)` for the root). Depth counts containers: `{}` is 1, `{"a": []}` is 2.
 */
export function findJsonProblems(body: unknown, maxDepth: number): InvalidInputDetail[] {
  const details: InvalidInputDetail[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 0 }];
  while (stack.length && details.length < MAX_DETAILS) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) details.push({ path: path || '(body)', message: problem });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth + 1 > maxDepth) {
      details.push({ path: path || '(body)', message: `nests deeper than ${maxDepth} levels, the API's limit (PLATFORM_API_MAX_JSON_DEPTH)` });
      break; // the levels below would only repeat it
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path || '(body)'}[${i}]`, depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i];
      const childPath = keyPath(path, key);
      const problem = stringProblem(key);
      if (problem) details.push({ path: childPath, message: `has a key that ${problem}` });
      stack.push({ value: item, path: childPath, depth: depth + 1 });
    }
  }
  return details;
}
