// A record's view from its database row, for records whose view is their row named as the API
// names things: each property of the record's schema from its snake_case column.

/** The snake_case column of a camelCase property: `workflowId` → `workflow_id`. */
const columnOf = (property: string) => property.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The view of `row` that `schema` describes: every property from its column (`raisedAt` from
 * `raised_at`), a moment (Date) as its ISO string; `computed` gives the properties that are no
 * column of the row. A property with neither is a mistake in the code, and throws.
 */
export function viewOfRow(schema: { properties: object }, row: object, computed: Record<string, unknown> = {}): Record<string, unknown> {
  const columns = row as Record<string, unknown>;
  return Object.fromEntries(Object.keys(schema.properties).map((property) => {
    if (property in computed) return [property, computed[property]];
    const column = columnOf(property);
    if (!(column in columns)) throw new Error(`The row has no column ${column} for the property ${property}`);
    const value = columns[column];
    return [property, value instanceof Date ? value.toISOString() : value];
  }));
}
