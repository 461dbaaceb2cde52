import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createContext, type AppServices, type GraphQLContext } from '../core/context.js';
import { ErrorCode } from '../core/errors.js';
import { databaseUnavailable, formatError, isDatabaseUnavailable } from '../core/graphql/format-error.js';
import { checkQueryLimits } from '../core/graphql/query-limits.js';
import { requestIdFrom, runInRequestScope } from '../core/request-scope.js';
import { migrationsApplied } from './database.js';
import { attachWebSocket } from './websocket.js';

export interface RunningServer {
  httpServer: Server;
  url: string;
  close(): Promise<void>;
}

function limitsPlugin(app: AppServices): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, schema }) {
          const error = checkQueryLimits(schema, document, request.operationName, request.variables, app.config.limits);
          if (error) throw error;
        },
      };
    },
  };
}

function jsonError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** Answers body-parser failures (too large, malformed JSON) as GraphQL-shaped JSON errors. */
function bodyErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  const e = error as { type?: string; status?: number; limit?: number };
  if (e?.type === 'entity.too.large') return jsonError(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, `Request body is larger than ${e.limit} bytes.`);
  if (e?.type === 'entity.parse.failed') return jsonError(res, 400, 'BAD_REQUEST', 'Request body is not valid JSON.');
  if (e?.status && e.status >= 400 && e.status < 500) return jsonError(res, e.status, 'BAD_REQUEST', 'Bad request.');
  next(error);
}

async function ready(app: AppServices): Promise<{ ok: boolean; reason?: string }> {
  try {
    await app.orm.em.getConnection().execute('select 1');
  } catch {
    return { ok: false, reason: 'database unreachable' };
  }
  return (await migrationsApplied(app.orm)) ? { ok: true } : { ok: false, reason: 'migrations pending' };
}

/** Express + Apollo over HTTP and graphql-ws over WebSocket, both at /graphql. */
export async function startServer(app: AppServices, schema: GraphQLSchema, host: string, port: number): Promise<RunningServer> {
  const { config, logger } = app;
  const web = express();
  web.disable('x-powered-by');
  web.set('trust proxy', false);
  const httpServer = createServer(web);
  // A connection the server closes while a client (or a load balancer) reuses it is a reset request: idle
  // connections are kept longer than the usual 60 s balancer timeout, and the client learns the limit from the
  // Keep-Alive header. Headers may take a little longer still, so a request that starts just before the idle limit
  // is not cut off.
  httpServer.keepAliveTimeout = config.keepAliveMs;
  httpServer.headersTimeout = config.keepAliveMs + 1_000;
  const ws = attachWebSocket(app, schema, httpServer);

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: config.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // closeOnSignals owns shutdown; Apollo's own handler would re-raise the signal and kill the
    // process before the pool is closed and the embedded database stopped.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    parseOptions: { maxTokens: config.limits.maxTokens },
    formatError: (formatted, error) => formatError(formatted, error, logger),
    logger: { debug: () => undefined, info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      limitsPlugin(app),
      { async serverWillStart() { return { drainServer: () => ws.close() }; } },
    ],
  });
  await apollo.start();

  web.use((req, res, next) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const started = process.hrtime.bigint();
    const path = req.path; // read now: mounted routers strip their prefix from req.path until they are done
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ requestId, method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    runInRequestScope(requestId, next);
  });
  web.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  web.get('/readyz', async (_req, res) => {
    const state = await ready(app);
    res.status(state.ok ? 200 : 503).json(state.ok ? { status: 'ready' } : { status: 'unavailable', reason: state.reason });
  });
  web.use(
    '/graphql',
    express.json({ limit: config.bodyLimitBytes }),
    bodyErrors,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        // A stuck pool while looking up the key is an outage, not a bug (Apollo would answer 500).
        const viewer = await app.authenticator.authenticate(req.headers.authorization).catch((error: unknown) => {
          throw isDatabaseUnavailable(error) ? databaseUnavailable() : error;
        });
        return createContext(app, viewer, String(res.getHeader('X-Request-Id')));
      },
    }),
  );
  web.use((_req: Request, res: Response) => jsonError(res, 404, 'NOT_FOUND', 'Not found. GraphQL is served at /graphql.'));
  web.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    logger.error({ errorName: (error as Error)?.name }, 'unhandled HTTP error');
    jsonError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/graphql`;
  return {
    httpServer,
    url,
    // Stops accepting, closes WebSocket clients, then waits for in-flight HTTP requests.
    close: () => apollo.stop(),
  };
}
