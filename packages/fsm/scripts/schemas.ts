// The JSON Schemas published with the package, rendered exactly as committed under schema/.
import { journeyConfigJsonSchema } from '../src/config/journey-schema.ts';
import { ruleSetJsonSchema } from '../src/decision/rule-set-schema.ts';

/** A published schema file and how to render it. */
export interface PublishedSchema {
  file: string;
  render: () => string;
}

const render = (schema: Record<string, unknown>): string => `${JSON.stringify(schema, null, 2)}\n`;

/** Every schema file under schema/. */
export const publishedSchemas: readonly PublishedSchema[] = [
  { file: 'journey-config.schema.json', render: () => render(journeyConfigJsonSchema()) },
  { file: 'rule-set.schema.json', render: () => render(ruleSetJsonSchema()) },
];
