// Schema-aware hostile requests for the adversarial fuzzer: every route of the app (as Fastify
// registers it), with path parameters that are real (so checks past authorization are reached)
// or hostile (traversal, NUL, bad percent-encoding, prototype names), bodies made from the route's
// JSON schema and then broken (wrong types, huge or control-character strings, lone surrogates,
// prototype-pollution keys, malformed JSON, deep nesting, bad UTF-8, wrong content types), hostile
// queries and duplicate headers.
import Fastify from 'fastify';
import fc from 'fast-check';
import type { ProviderContext } from '../../../src/provider/context';
import { ROUTE_MODULES } from '../../../src/provider/routes';

type Schema = Record<string, any>;

export interface RouteInfo {
  method: string;
  url: string;
  body?: Schema;
  querystring?: Schema;
}

/** Every route the app registers, with its body and query schemas (registration only: nothing listens). */
export async function appRoutes(): Promise<RouteInfo[]> {
  const collector = Fastify();
  const routes: RouteInfo[] = [];
  collector.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      routes.push({ method, url: r.url ?? r.path, body: r.schema?.body as Schema | undefined, querystring: r.schema?.querystring as Schema | undefined });
    }
  });
  const ctx = { settings: {}, store: {}, clock: {}, origin: 'https://127.0.0.1:1' } as unknown as ProviderContext;
  for (const register of ROUTE_MODULES) register(collector, ctx);
  await collector.ready();
  await collector.close();
  return routes;
}

/** A request as sent: headers as name/value pairs in order (a name may repeat). */
export interface HostileRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body?: Buffer;
  /** Input that no route may accept: the answer must be a 4xx. */
  mustFail: boolean;
  /** What was broken, for the failure message. */
  label: string;
}

const CONTROL_STRINGS = ['same\u0000one', 'bell\u0007', 'esc\u001b[31m', 'del\u007f', 'c1\u0085', 'line\nbreak', 'cr\rx'];
const SURROGATE_STRINGS = ['x\ud800', '\udc00y', 'a\ud83d'];
const TEXTUAL_ATTACKS = [
  '../../../../etc/passwd',
  '..\\..\\windows',
  '__proto__',
  'constructor',
  "' OR 1=1 --",
  '"; DROP TABLE tokens; --',
  '<script>alert(1)</script>',
  '\u202egnp.exe',
  '%00',
  '%2e%2e%2f',
  '${jndi:ldap://x}',
  'tsp_000000000000000000000000000000000000',
  '',
  ' ',
];

/** Strings that must be refused wherever they appear (control characters, lone surrogates). */
export const refusedString = fc.constantFrom(...CONTROL_STRINGS.filter((s) => !/[\t\n\r]/.test(s)), ...SURROGATE_STRINGS);

const hostileString = fc.oneof(
  fc.constantFrom(...CONTROL_STRINGS, ...SURROGATE_STRINGS, ...TEXTUAL_ATTACKS),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.integer({ min: 256, max: 20_000 }).map((n) => 'x'.repeat(n)),
);

/** A value of the wrong kind for almost any field. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, 1.5),
  fc.constant([]),
  fc.constant({}),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), hostileString, { maxKeys: 3 }),
);

/** A value that fits `schema` (roughly: patterns are not always met). */
function fromSchema(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.constant(null);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  if (schema.const !== undefined) return fc.constant(schema.const);
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((s) => fromSchema(s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const names = Object.keys(props);
      if (names.length === 0) return fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), { maxKeys: 3 });
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const name of names) record[name] = fromSchema(props[name], depth + 1);
      const required = ((schema.required ?? []) as string[]).filter((n) => names.includes(n));
      return fc.record(record, { requiredKeys: required });
    }
    case 'array':
      return fc.array(fromSchema(schema.items as Schema, depth + 1), { maxLength: Math.min(3, schema.maxItems ?? 3) });
    case 'string': {
      const min = schema.minLength ?? 0;
      const max = Math.min(schema.maxLength ?? 40, 40);
      if (schema.pattern) {
        let matching: fc.Arbitrary<string> | undefined;
        try {
          matching = fc.stringMatching(new RegExp(schema.pattern as string)).filter((s) => s.length >= min && s.length <= max);
        } catch {
          // A pattern fast-check cannot generate from (lookahead): any string then.
        }
        if (matching) return fc.oneof(matching, fc.string({ minLength: min, maxLength: max }));
      }
      return fc.string({ minLength: min, maxLength: Math.max(min, max) });
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -5, max: schema.maximum ?? 400 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -5, max: schema.maximum ?? 400, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return hostileValue;
  }
}

/** The JSON types `schema` admits (`integer` counts as a `number`), or undefined when it does not say. */
function schemaTypes(schema: Schema | undefined): string[] | undefined {
  if (!schema) return undefined;
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives) {
    const each = alternatives.map(schemaTypes);
    return each.some((t) => t === undefined) ? undefined : each.flat() as string[];
  }
  if (schema.type === undefined) return undefined;
  return [schema.type].flat() as string[];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const ANY_TYPE: readonly unknown[] = [null, true, false, 0, -1, 1.5, 1e308, 2 ** 53 + 1, '', 'text', '42', 'true', [], ['x'], [1], {}, { a: 1 }];

/**
 * Values of a JSON type the field's `schema` does not admit (a string for a boolean, a number for
 * a string, a fraction for an integer, null where null is not allowed, …): input no route may
 * accept in that field. Undefined when the schema names no type.
 */
export function wrongTypeValue(schema: Schema | undefined): fc.Arbitrary<unknown> | undefined {
  const types = schemaTypes(schema);
  if (!types) return undefined;
  const admitted = (v: unknown) => types.includes(jsonType(v)) || (jsonType(v) === 'integer' && types.includes('number'));
  const wrong = ANY_TYPE.filter((v) => !admitted(v));
  return wrong.length ? fc.constantFrom(...wrong) : undefined;
}

interface BodyCase {
  raw?: Buffer;
  contentType?: string;
  mustFail: boolean;
  label: string;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/** Sets `value` at a random place of `base` (an object): a known field or a new one. */
function withField(base: unknown, fields: string[], value: unknown): fc.Arbitrary<Record<string, unknown>> {
  const object = base !== null && typeof base === 'object' && !Array.isArray(base) ? (base as Record<string, unknown>) : {};
  return fc.oneof(fc.constantFrom(...(fields.length ? fields : ['name'])), fc.string({ minLength: 1, maxLength: 10 })).map((field) => ({ ...object, [field]: value }));
}

/** A body for `route`: valid, or broken in one way. Git routes get bytes that are not git's. */
function hostileBody(route: RouteInfo): fc.Arbitrary<BodyCase> {
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method)) return fc.constant({ mustFail: false, label: 'no body' });
  if (!route.url.startsWith('/api/')) {
    return fc.oneof(
      fc.constant({ mustFail: false, label: 'no body' }),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ raw: Buffer.from(bytes), contentType: `application/x-${route.url.split('/').pop()}-request`, mustFail: false, label: 'random git body' })),
      fc.constant({ raw: Buffer.from('0000'), contentType: 'application/json', mustFail: false, label: 'flush packet' }),
    );
  }
  const schema = route.body;
  const fields = Object.keys((schema?.properties ?? {}) as object);
  const base = fromSchema(schema);
  const objectSchema = schema?.type === 'object';
  return fc.oneof(
    base.map((value) => ({ raw: json(value), mustFail: false, label: 'schema-valid body' })),
    fc.constant({ mustFail: false, label: 'empty body' }),
    fc.tuple(base, hostileValue).chain(([value, bad]) => withField(value, fields, bad)).map((value) => ({ raw: json(value), mustFail: false, label: 'wrong type or hostile value' })),
    fc.tuple(base, refusedString).chain(([value, bad]) => withField(value, fields, bad)).map((value) => ({ raw: json(value), mustFail: true, label: 'control character or lone surrogate' })),
    fc.tuple(base, refusedString).map(([value, bad]) => ({
      raw: json({ ...(value as object), nested: { [bad]: 1 } }),
      mustFail: true,
      label: 'control character in a key',
    })),
    fc.tuple(base, fc.constantFrom('__proto__', 'constructor')).map(([value, key]) => ({
      raw: Buffer.from(`{"${key}":{"prototype":{"polluted":true},"polluted":true},${JSON.stringify(value ?? {}).slice(1).replace(/^}$/, '"x":1}')}`),
      mustFail: true,
      label: `${key} key`,
    })),
    base
      .map(json)
      .filter((whole) => whole.length > 1)
      .chain((whole) => fc.integer({ min: 1, max: whole.length - 1 }).map((cut) => ({ raw: whole.subarray(0, cut), mustFail: true, label: 'truncated JSON' }))),
    fc.constantFrom('{"a":1}}', '{a:1}', "{'a':1}", '[1,2', 'nul', '{"a":01}', '{"a":NaN}', '{"a":"\\x41"}').map((text) => ({ raw: Buffer.from(text), mustFail: true, label: 'malformed JSON' })),
    fc.constantFrom('[]', '"text"', '42', 'null', 'true').map((text) => ({ raw: Buffer.from(text), mustFail: objectSchema, label: 'JSON that is not an object' })),
    fc.integer({ min: 5_000, max: 20_000 }).map((depth) => ({ raw: Buffer.from('['.repeat(depth) + ']'.repeat(depth)), mustFail: objectSchema, label: 'deep nesting' })),
    fc.constant({ raw: Buffer.from(`{"name":"${'y'.repeat(70 * 1024)}"}`), mustFail: true, label: 'over 64 KiB' }),
    fc.constant({ raw: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('"}')]), mustFail: true, label: 'invalid UTF-8' }),
    fc
      .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml')
      .map((contentType) => ({ raw: Buffer.from('name=x'), contentType, mustFail: true, label: `content type ${contentType}` })),
  );
}

/** One path segment (URL-encoded as sent), real or hostile. */
function paramValue(name: string, real: Record<string, string[]>): fc.Arbitrary<string> {
  const hostile = fc.constantFrom(
    '..%2F..%2F..%2Fetc%2Fpasswd',
    '..%2f..',
    '%2e%2e',
    '..',
    '.',
    'a%00b',
    '%00',
    '%ZZ',
    '%C0%AE%C0%AE',
    '%ED%A0%80',
    '__proto__',
    'constructor',
    'x'.repeat(600),
    encodeURIComponent('\u{1F511}'),
    '-1',
    '0',
    '99999999999999999999',
    '1e3',
    '%201',
    'a%2Fb',
    'a%5Cb',
  );
  const known = real[name];
  return known?.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known.map(percentEncode)) }, { weight: 1, arbitrary: hostile }) : hostile;
}

/** Percent-encoding, a lone surrogate as the bytes a careless encoder would send for it (CESU-8). */
function percentEncode(text: string): string {
  return [...text].map((c) => (c.isWellFormed() ? encodeURIComponent(c) : '%ED%A0%80')).join('');
}

/** A query string (with `?`) for `route`: none, schema-made, or hostile. */
function hostileQuery(route: RouteInfo): fc.Arbitrary<{ query: string; mustFail: boolean }> {
  const props = (route.querystring?.properties ?? {}) as Record<string, Schema>;
  const names = Object.keys(props);
  const encode = (pairs: [string, string][]) => (pairs.length ? '?' + pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&') : '');
  const known = names.length ? fc.constantFrom(...names) : fc.constant('q');
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant({ query: '', mustFail: false }) },
    fc.tuple(known, fc.string({ maxLength: 20 })).map(([k, v]) => ({ query: encode([[k, v]]), mustFail: false })),
    fc.tuple(known, refusedString).map(([k, v]) => ({ query: encode([[k, v]]), mustFail: true })),
    fc.tuple(known, fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })).map(([k, a, b]) => ({ query: encode([[k, a], [k, b]]), mustFail: false })),
    fc.constantFrom('?service=git-upload-pack&service=git-receive-pack', '?service=constructor', '?%ZZ=1', '?a[b]=1&a[c]=2', '?__proto__[x]=1', `?x=${'y'.repeat(5000)}`).map((query) => ({ query, mustFail: false })),
  );
}

interface Identity {
  /** `Authorization` values: a real signed-in token first. */
  authorizations: string[];
}

function hostileHeaders(identity: Identity, contentType: string | undefined): fc.Arbitrary<{ headers: [string, string][]; label: string }> {
  const [good] = identity.authorizations;
  const base: [string, string][] = [['accept', 'application/json']];
  if (contentType) base.push(['content-type', contentType]);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({ headers: [...base, ['authorization', good]] as [string, string][], label: 'signed in' }) },
    fc.constantFrom(...identity.authorizations).map((a) => ({ headers: [...base, ['authorization', a]] as [string, string][], label: 'other credentials' })),
    fc.constant({ headers: base, label: 'anonymous' }),
    fc.constant({ headers: [...base, ['authorization', good], ['authorization', 'token tsp_000000000000000000000000000000000000']] as [string, string][], label: 'two Authorization headers' }),
    fc.constant({ headers: [...base, ['authorization', good], ['content-type', 'text/plain']] as [string, string][], label: 'two Content-Type headers' }),
    fc.constant({ headers: [...base, ['authorization', good], ['x-github-otp', '123456'], ['x-github-otp', '654321']] as [string, string][], label: 'two OTP headers' }),
    fc.constant({ headers: [...base, ['authorization', `${good} `], ['accept', 'text/html']] as [string, string][], label: 'odd Authorization and Accept' }),
  );
}

/** A hostile request to one of `routes`; `real` maps path parameter names to real values. */
export function hostileRequest(routes: RouteInfo[], real: Record<string, string[]>, identity: Identity): fc.Arbitrary<HostileRequest> {
  return fc.constantFrom(...routes).chain((route) => {
    const names = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const params = fc.tuple(...names.map((n) => paramValue(n, real)));
    return fc.tuple(params, hostileQuery(route), hostileBody(route)).chain(([values, q, body]) =>
      hostileHeaders(identity, body.raw ? (body.contentType ?? 'application/json') : undefined).map(({ headers, label }) => {
        let i = 0;
        const path = route.url.replace(/:(\w+)/g, () => values[i++]) + q.query;
        return {
          method: route.method,
          path,
          headers,
          body: body.raw,
          mustFail: q.mustFail || body.mustFail,
          label: `${route.method} ${route.url}: ${body.label}; ${label}`,
        };
      }),
    );
  });
}
