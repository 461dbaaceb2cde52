import { createSourceEventStream, execute, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { createContext, type AppServices, type GraphQLContext } from '../core/context.js';
import { ANONYMOUS, type Viewer } from '../core/auth/viewer.js';
import { formatError, isDatabaseUnavailable, withoutSuggestions } from '../core/graphql/format-error.js';
import { checkQueryLimits } from '../core/graphql/query-limits.js';
import { runInRequestScope } from '../core/request-scope.js';

type ConnectionExtra = {
  authorization?: string;
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
        ctx.extra.authorization = typeof header === 'string' ? header : undefined;
        try {
          ctx.extra.viewer = await app.authenticator.authenticate(ctx.extra.authorization);
        } catch (error) {
          // An outage is no bad key: 1013 "try again later" is retried by clients, 4403 is final.
          if (isDatabaseUnavailable(error)) ctx.extra.socket.close(1013, 'Try again later');
          return false; // closes with 4403 Forbidden
        }
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        // Checked again per operation: a key revoked, or a member token expired, since the
        // connection opened must stop working at once (keys are cached, so this costs no query).
        try {
          ctx.extra.viewer = await app.authenticator.authenticate(ctx.extra.authorization);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
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
      // Subscription fields (churnRiskCrossed) return streams of results their feed has already executed once
      // per group of identical subscriptions; graphql-js would execute each event again per subscriber.
      subscribe: (args) => createSourceEventStream(args) as Promise<AsyncIterable<ExecutionResult> | ExecutionResult>,
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
