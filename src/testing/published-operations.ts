// Only what the tests read of an OpenAPI document: paths, parameters, request bodies' fields and examples.
interface Schema {
  $ref?: string;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  example?: Record<string, unknown>;
  pattern?: string;
}
interface OperationObject {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: { "application/json"?: { schema: Schema } } };
}
interface Doc {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One operation of an app, as its OpenAPI document publishes it. */
export interface Operation {
  method: string;
  /** With its `{param}` placeholders. */
  path: string;
  query: string[];
  /** The JSON body's field names (through $ref and allOf), its example and its fields' published patterns, when it takes one. */
  body?: { keys: string[]; example: Record<string, unknown>; patterns: Record<string, string> };
}

/** Every operation of an app's OpenAPI document (`/openapi.json`), so that a test covers routes added later too. */
export function publishedOperations(document: unknown): Operation[] {
  const doc = document as Doc;
  const resolve = (s: Schema): Schema => (s.$ref ? resolve(doc.components?.schemas?.[s.$ref.split("/").pop()!] ?? {}) : s);
  const keysOf = (s: Schema): string[] => [...Object.keys(resolve(s).properties ?? {}), ...(resolve(s).allOf ?? []).flatMap(keysOf)];
  const exampleOf = (s: Schema): Record<string, unknown> => resolve(s).example ?? Object.assign({}, ...(resolve(s).allOf ?? []).map(exampleOf));
  const patternsOf = (s: Schema): Record<string, string> =>
    Object.assign(
      Object.fromEntries(Object.entries(resolve(s).properties ?? {}).flatMap(([key, field]) => (resolve(field).pattern ? [[key, resolve(field).pattern!]] : []))),
      ...(resolve(s).allOf ?? []).map(patternsOf),
    );
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const schema = op.requestBody?.content["application/json"]?.schema;
      return {
        method: method.toUpperCase(),
        path,
        query: (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
        ...(schema ? { body: { keys: keysOf(schema), example: exampleOf(schema), patterns: patternsOf(schema) } } : {}),
      };
    }),
  );
}
