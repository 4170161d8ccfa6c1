// GitHub's OpenAPI descriptions (from @octokit/openapi: GitHub Enterprise Server 3.19's, and GitHub
// Enterprise Cloud's for the few endpoints only it has) as validators of the provider's answers:
// finds the operation a provider route implements, the statuses it documents, and checks an
// answer's body against the operation's schema for that status ($refs resolved by Ajv against the
// whole description; OpenAPI's `nullable` understood; formats from ajv-formats). Error answers the
// operation does not document are checked against GitHub's basic-error (422: validation-error),
// the shapes every GitHub error has.
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';

export const GHES_VERSION = '3.19';
/** The files of @octokit/openapi's `generated/` folder these tests read. */
type DescriptionName = `ghes-${typeof GHES_VERSION}` | 'ghec';
type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

interface Reference {
  $ref: string;
}
interface ResponseObject {
  content?: Record<string, { schema?: object }>;
  headers?: Record<string, unknown>;
}
interface Parameter {
  name: string;
  in: string;
}
interface Operation {
  operationId: string;
  parameters?: (Parameter | Reference)[];
  responses: Record<string, ResponseObject | Reference>;
}
interface Description {
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { responses: Record<string, ResponseObject>; parameters: Record<string, Parameter> };
}

export interface DescribedOperation {
  /** The path as GitHub's description writes it, e.g. `/repos/{owner}/{repo}`. */
  path: string;
  method: string;
  operationId: string;
  /** Every status the operation documents. */
  statuses: number[];
}

/** `/repos/:owner/:repo` and `/repos/{owner}/{repo}` both become `/repos/{}/{}`. */
function pathShape(path: string): string {
  return path.replace(/\{[^}]+\}|:[A-Za-z_][A-Za-z0-9_]*/g, '{}');
}

function pointerEscape(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * OpenAPI 3.0 allows `nullable: true` beside `allOf`/`anyOf` without a `type`; Ajv does not: such a
 * schema becomes `anyOf: [itself, null]` (in place, throughout the description).
 */
function nullableWithoutType(node: unknown): unknown {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = nullableWithoutType(node[i]);
    return node;
  }
  if (!node || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  for (const key of Object.keys(o)) o[key] = nullableWithoutType(o[key]);
  if (o.nullable === true && o.type === undefined) {
    const { nullable: _nullable, ...rest } = o;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return o;
}

/** GitHub's error shapes, for error statuses an operation documents without a body or not at all. */
function errorSchema(status: number): string {
  return status === 422 ? '#/components/schemas/validation-error' : '#/components/schemas/basic-error';
}

export class OpenApiDescription {
  private readonly description: Description;
  private readonly ajv: Ajv;
  private readonly byShape = new Map<string, string>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly name: DescriptionName) {
    this.description = nullableWithoutType(JSON.parse(readFileSync(require.resolve(`@octokit/openapi/generated/${name}.json`), 'utf8'))) as Description;
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(this.ajv);
    this.ajv.addSchema(this.description as object, 'description');
    for (const path of Object.keys(this.description.paths)) this.byShape.set(pathShape(path), path);
  }

  /** The operation implementing `method path` (path under /api/v3, `:param` or `{param}`), if this description has one. */
  operation(method: string, path: string): DescribedOperation | undefined {
    const described = this.byShape.get(pathShape(path));
    const m = method.toLowerCase() as Method;
    const op = described ? this.description.paths[described][m] : undefined;
    if (!described || !op) return undefined;
    return { path: described, method: method.toUpperCase(), operationId: op.operationId, statuses: Object.keys(op.responses).map(Number) };
  }

  /** The headers (lower-cased: `link`, `location`, …) GitHub documents on the answer `status` of `method path`. */
  headers(method: string, path: string, status: number): string[] {
    const op = this.operation(method, path);
    if (!op) throw new Error(`${this.name} documents no ${method} ${path}`);
    let response = this.description.paths[op.path][op.method.toLowerCase() as Method]!.responses[String(status)];
    if (response && '$ref' in response) response = this.description.components.responses[response.$ref.split('/').pop()!];
    return Object.keys((response as ResponseObject | undefined)?.headers ?? {}).map((h) => h.toLowerCase());
  }

  /** The query parameters GitHub documents for `method path` (`per_page`, `sort`, …). */
  queryParameters(method: string, path: string): string[] {
    const op = this.operation(method, path);
    if (!op) throw new Error(`${this.name} documents no ${method} ${path}`);
    const parameters = this.description.paths[op.path][op.method.toLowerCase() as Method]!.parameters ?? [];
    return parameters
      .map((p) => ('$ref' in p ? this.description.components.parameters[p.$ref.split('/').pop()!] : p))
      .filter((p) => p.in === 'query')
      .map((p) => p.name);
  }

  /**
   * The problems of `body` as the answer `status` of `method path`: [] when it matches. Throws
   * when this description has no such operation.
   */
  check(method: string, path: string, status: number, body: unknown): string[] {
    const op = this.operation(method, path);
    if (!op) throw new Error(`${this.name} documents no ${method} ${path}`);
    const validate = this.validatorFor(op, status);
    if (validate === 'no-body') return body === undefined || body === '' ? [] : [`${status} documents no body, got ${JSON.stringify(body).slice(0, 200)}`];
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }

  private validatorFor(op: DescribedOperation, status: number): ValidateFunction | 'no-body' {
    const key = `${op.method} ${op.path} ${status}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    let pointer: string;
    let response: ResponseObject | Reference | undefined = this.description.paths[op.path][op.method.toLowerCase() as Method]!.responses[String(status)];
    if (response) {
      pointer = `#/paths/${pointerEscape(op.path)}/${op.method.toLowerCase()}/responses/${status}`;
      if ('$ref' in response) {
        pointer = response.$ref;
        response = this.description.components.responses[response.$ref.split('/').pop()!];
      }
      if ((response as ResponseObject).content?.['application/json']?.schema) pointer += '/content/application~1json/schema';
      else if (status >= 400) pointer = errorSchema(status);
      else return 'no-body';
    } else if (status >= 400) {
      pointer = errorSchema(status);
    } else {
      throw new Error(`${this.name} documents no ${status} for ${op.method} ${op.path} (${op.statuses.join(', ')})`);
    }
    const validate = this.ajv.getSchema(`description${pointer}`);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    this.compiled.set(key, validate);
    return validate;
  }
}
