import { Field, ObjectType, type ClassType } from 'type-graphql';
import { UserError, type Outcome } from '../errors.js';

const upperFirst = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

/**
 * The payload type of a mutation: the object it acted on (null when it failed) and userErrors.
 * `memberCreate` with field "member" becomes `MemberCreatePayload { member: Member, userErrors }`.
 */
export function payloadOf<T extends object>(mutation: string, field: string, type: ClassType<T>, what = field) {
  @ObjectType(`${upperFirst(mutation)}Payload`, { simpleResolvers: true, description: `Result of \`${mutation}\`.` })
  class Payload {
    userErrors!: UserError[];
  }
  Field(() => type, { nullable: true, description: `The ${what}, unless userErrors says why not.` })(Payload.prototype, field);
  Field(() => [UserError], { description: 'Why nothing was written; empty on success.' })(Payload.prototype, 'userErrors');
  return Payload;
}

/** Maps a use case's outcome onto its payload shape. */
export function toPayload<T, N>(field: string, outcome: Outcome<T>, map: (value: T) => N): Record<string, unknown> {
  return outcome.ok ? { [field]: map(outcome.value), userErrors: [] } : { [field]: null, userErrors: outcome.errors };
}
