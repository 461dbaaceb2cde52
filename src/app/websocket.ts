import { execute, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { createContext, type AppServices, type GraphQLContext } from '../core/context.js';
import { ANONYMOUS, type Viewer } from '../core/auth/viewer.js';
import { formatError, withoutSuggestions } from '../core/graphql/format-error.js';
import { checkQueryLimits } from '../core/graphql/query-limits.js';
import { runInRequestScope } from '../core/request-scope.js';

type ConnectionExtra = {
  viewer?: Viewer;
};

/**
 * graphql-ws at /graphql. The same checks as HTTP run before execution: authentication at
 * connection, token limit at parse, validation, depth/alias/cost limits; errors are masked alike.
 */
export function attachWebSocket(app: AppServices, schema: GraphQLSchema, httpServer: Server) {
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: app.config.bodyLimitBytes });
  const cleanup = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      schema,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        try {
          ctx.extra.viewer = await app.authenticator.authenticate(typeof header === 'string' ? header : undefined);
        } catch {
          return false; // closes with 4403 Forbidden
        }
        return true;
      },
      onSubscribe: (_ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: app.config.limits.maxTokens });
        } catch (error) {
          return [new GraphQLError(withoutSuggestions((error as Error).message), { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const errors = validate(schema, document, specifiedRules);
        if (errors.length) {
          return errors.map((e) => new GraphQLError(withoutSuggestions(e.message), { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
        }
        const tooComplex = checkQueryLimits(schema, document, payload.operationName, payload.variables, app.config.limits);
        if (tooComplex) return [tooComplex];
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      // A fresh context (EntityManager fork, loaders, request id) per operation.
      context: (ctx) => createContext(app, ctx.extra.viewer ?? ANONYMOUS, randomUUID()),
      // Logs written while executing carry the operation's request id, as on HTTP.
      execute: (args) => runInRequestScope((args.contextValue as GraphQLContext).requestId, () => execute(args)),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error, app.logger)) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => formatError(error.toJSON(), error, app.logger)),
    },
    wsServer,
  );
  return {
    close: async () => {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
