import { readFileSync, writeFileSync } from 'node:fs';
import type { OpenAPIObject } from '@nestjs/swagger';

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ParameterObject = Extract<NonNullable<OperationObject['parameters']>[number], { in: string }>;
type Schema = NonNullable<ParameterObject['schema']>;
type SchemaObject = Exclude<Schema, { $ref: string }>;

/**
 * Turns openapi.json into billing-gateway.json, an Insomnia v4 export: one folder per tag, the
 * token filled from the login request's response. Deterministic, so CI can diff it.
 */
const [source = 'openapi.json', target = 'billing-gateway.json'] = process.argv.slice(2);
const document = JSON.parse(readFileSync(source, 'utf8')) as OpenAPIObject;

const WORKSPACE = 'wrk_billing_gateway';
const LOGIN = 'req_logIn';
const EXPORTED_AT = '2026-01-01T00:00:00.000Z';
const TIME = Date.parse(EXPORTED_AT);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** A `$ref`'s schema; for `allOf` (a reference with a description) or `oneOf` (one of several kinds), the first. */
function resolve(schema: Schema): SchemaObject {
  if (!('$ref' in schema)) {
    const [first] = schema.allOf ?? schema.oneOf ?? [];
    return first ? resolve(first) : schema;
  }
  const name = schema.$ref.replace('#/components/schemas/', '');
  return document.components?.schemas?.[name] as SchemaObject;
}

/** The schema's own type: OpenAPI 3.1 spells a nullable one `["string", "null"]`. */
const typeOf = (schema: SchemaObject) => [schema.type].flat().find((type) => type !== 'null');

/**
 * A request body the api accepts as it stands: each field's example, else its default, else its
 * enum's first value, else a value of its type (an array of one such item, of its first kind).
 */
function example(schema: Schema): unknown {
  const resolved = resolve(schema);
  if (resolved.example !== undefined) return resolved.example;
  if (resolved.default !== undefined) return resolved.default;
  if (resolved.enum?.length) return resolved.enum[0];
  const type = typeOf(resolved);
  if (type === 'object' || resolved.properties) {
    return Object.fromEntries(
      Object.entries(resolved.properties ?? {}).map(([name, property]) => [name, example(property)]),
    );
  }
  if (type === 'array') return resolved.items ? [example(resolved.items)] : [];
  if (type === 'boolean') return false;
  if (resolved.format === 'uuid') return '00000000-0000-0000-0000-000000000000';
  return type === 'integer' || type === 'number' ? 0 : '';
}

const LOGIN_BODY = { email: '{{ _.email }}', password: '{{ _.password }}' };

function body(id: string, operation: OperationObject) {
  const content =
    operation.requestBody && 'content' in operation.requestBody
      ? operation.requestBody.content['application/json']
      : undefined;
  if (!content?.schema) return {};
  const value = id === LOGIN ? LOGIN_BODY : example(content.schema);
  return { mimeType: 'application/json', text: JSON.stringify(value, null, 2) };
}

const pathVariables = new Map<string, unknown>();

/**
 * One environment variable per kind of id: `/accounts/{id}` reads `account_id`, `{deliveryId}`
 * `delivery_id`, so that an account's id is never sent where a payment's is expected.
 */
function variableOf(path: string, name: string): string {
  if (name !== 'id') return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  const kind = /\/([\w-]+)\/\{id\}/.exec(path)![1];
  return `${kind.replace(/s$/, '').replace(/-/g, '_')}_id`;
}

function url(path: string, parameters: ParameterObject[]): string {
  for (const parameter of parameters.filter((p) => p.in === 'path')) {
    const schema = parameter.schema ? resolve(parameter.schema) : {};
    const variable = variableOf(path, parameter.name);
    if (!pathVariables.has(variable)) pathVariables.set(variable, schema.example ?? '');
  }
  return `{{ _.base_url }}${path.replace(/\{(\w+)\}/g, (_, name: string) => `{{ _.${variableOf(path, name)} }}`)}`;
}

function queryParameters(parameters: ParameterObject[]) {
  return parameters
    .filter((p) => p.in === 'query')
    .map((p) => ({
      name: p.style === 'deepObject' ? `${p.name}[eq]` : p.name,
      value: '',
      description: p.description ?? '',
      disabled: true,
    }));
}

function headers(parameters: ParameterObject[], hasBody: boolean) {
  const list: Array<{ name: string; value: string; description?: string }> = [];
  if (hasBody) list.push({ name: 'Content-Type', value: 'application/json' });
  for (const p of parameters.filter((p) => p.in === 'header')) {
    list.push({
      name: p.name,
      value: p.name === 'Idempotency-Key' ? "{% uuid 'v4' %}" : '',
      description: p.description ?? '',
    });
  }
  return list;
}

const isPublic = (operation: OperationObject) => (operation.security ?? document.security ?? []).length === 0;

const tags = document.tags?.map((t) => t.name) ?? [];
const folders = tags.map((tag, index) => ({
  _id: `fld_${tag}`,
  _type: 'request_group',
  parentId: WORKSPACE,
  name: tag,
  description: document.tags?.find((t) => t.name === tag)?.description ?? '',
  environment: {},
  metaSortKey: index,
  created: TIME,
  modified: TIME,
}));

const folderOf = (operation: OperationObject) => {
  const tag = operation.tags?.find((name) => tags.includes(name));
  return tag ? `fld_${tag}` : WORKSPACE;
};

const requests = Object.entries(document.paths)
  .flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      if (!operation) return [];
      const id = `req_${operation.operationId}`;
      const parameters = (operation.parameters ?? []) as ParameterObject[];
      const requestBody = body(id, operation);
      return [
        {
          _id: id,
          _type: 'request',
          // A request whose tags name no folder sits in the workspace: Insomnia drops one whose parent is missing.
          parentId: folderOf(operation),
          name: operation.summary ?? operation.operationId,
          description: operation.description ?? '',
          method: method.toUpperCase(),
          url: url(path, parameters),
          body: requestBody,
          parameters: queryParameters(parameters),
          headers: headers(parameters, 'mimeType' in requestBody),
          authentication: isPublic(operation) ? {} : { type: 'bearer', token: '{{ _.token }}' },
          metaSortKey: 0,
          created: TIME,
          modified: TIME,
        },
      ];
    }),
  )
  .map((request, index) => ({ ...request, metaSortKey: index }));

const accessTokenPath = Buffer.from('$.accessToken').toString('base64');
const environment = {
  _id: 'env_billing_gateway',
  _type: 'environment',
  parentId: WORKSPACE,
  name: 'Base Environment',
  data: {
    base_url: 'http://localhost:3000',
    email: 'admin@example.com',
    password: 'change-me-please', // the quick start's administrator
    // Sends "Log in" again when its last answer is older than an hour, and takes the token from it.
    token: `{% response 'body', '${LOGIN}', 'b64::${accessTokenPath}::46b', 'when-expired', 3600 %}`,
    ...Object.fromEntries(pathVariables),
  },
  metaSortKey: 0,
  created: TIME,
  modified: TIME,
};

const exported = {
  _type: 'export',
  __export_format: 4,
  __export_date: EXPORTED_AT,
  __export_source: 'billing-gateway:scripts/insomnia.ts',
  resources: [
    {
      _id: WORKSPACE,
      _type: 'workspace',
      parentId: null,
      name: document.info.title,
      description: document.info.description ?? '',
      scope: 'collection',
      created: TIME,
      modified: TIME,
    },
    environment,
    ...folders,
    ...requests,
  ],
};
writeFileSync(target, `${JSON.stringify(exported, null, 2)}\n`);
