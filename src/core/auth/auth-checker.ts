import type { AuthChecker } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { forbidden, unauthenticated } from '../errors.js';
import { roleOf, type AuthRole } from './viewer.js';

/** Runs only on fields marked `@Authorized(...)`; every root field is. */
export const authChecker: AuthChecker<GraphQLContext, AuthRole> = ({ context }, roles) => {
  const role = roleOf(context.viewer);
  if (!role) throw unauthenticated();
  if (roles.length === 0 || roles.includes(role)) return true;
  throw forbidden();
};
