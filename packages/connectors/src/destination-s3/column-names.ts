// Output column names. A stream's own columns keep their names; the names the destination makes
// up (its _airbyte_* columns, flattened JSON keys) are the ones that take a numbered suffix when
// a name is already in use, so no real column is ever renamed to make room for a generated one.

export class ColumnNames {
  private readonly used = new Set<string>();

  /** `fold` maps names that count as the same to one key (e.g. lower case for DuckDB). */
  constructor(private readonly fold: (name: string) => string = (name) => name) {}

  /** `name` itself when free, else the first free `name_2`, `name_3`, ... */
  take(name: string): string {
    let candidate = name;
    for (let i = 2; this.used.has(this.fold(candidate)); i++) candidate = `${name}_${i}`;
    this.used.add(this.fold(candidate));
    return candidate;
  }

  /**
   * Names for a stream's own columns, in order, reserved before any generated name is taken.
   * Two columns can only clash when `fold` makes them equal (`"UPPER"` and `"upper"`, which
   * DuckDB cannot tell apart): the later one then takes a suffix.
   */
  takeOwn(names: string[]): string[] {
    const clashing = new Set<number>();
    names.forEach((name, i) => {
      const key = this.fold(name);
      if (this.used.has(key)) clashing.add(i);
      else this.used.add(key);
    });
    return names.map((name, i) => (clashing.has(i) ? this.take(name) : name));
  }
}

/** DuckDB resolves identifiers ignoring ASCII case (only ASCII: "É" and "é" stay apart). */
export const asciiCaseInsensitive = (name: string) => name.replace(/[A-Z]/g, (c) => c.toLowerCase());
