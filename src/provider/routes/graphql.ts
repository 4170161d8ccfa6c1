// POST /api/graphql: GitHub's GraphQL endpoint for the subset in graphql/schema-sdl.ts. The
// route needs any credentials (token, password or account API token); each object a query
// reaches is then checked under its REST route's requirement (graphql/graphql-context.ts).
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../authz/authorize';
import type { ProviderContext } from '../context';
import { executeGraphqlRequest, GraphqlRequestBody } from '../graphql/execute-request';
import { buildGraphqlSchema } from '../graphql/schema';

export function registerGraphqlRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  const schema = buildGraphqlSchema();
  app.post<{ Body: GraphqlRequestBody }>(
    '/api/graphql',
    {
      config: { auth: { classicScopes: [], permission: 'none', accountToken: true } },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['query'],
          properties: {
            query: { type: 'string', minLength: 1 },
            variables: { anyOf: [{ type: 'object' }, { type: 'null' }] },
            operationName: { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'null' }] },
          },
        },
      },
    },
    async (request, reply) => executeGraphqlRequest(schema, { ctx, request, reply, principal: principalOf(request), branches: new Map(), commits: new Map(), listings: new Map(), nodeCount: 0 }, request.body),
  );
}
