import type { RootFieldRule } from '../role-rules';
import { POINTS_RULES } from './points';

/** Role rows of the modules that keep them beside their tests; access-roles.test.ts runs them all. */
export const MODULE_RULES: RootFieldRule[] = [...POINTS_RULES];

/**
 * Mutations that take ids whose cross-tenant refusal is tested in a module's own test file (named here)
 * rather than in tenancy.test.ts's table; the table's guard accepts them.
 */
export const TENANCY_COVERED_ELSEWHERE: Record<string, string> = {};
