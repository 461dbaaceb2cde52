import { Arg, Args, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { Role } from '../../core/auth/role.js';
import { UserError } from '../../core/errors.js';
import { payloadOf, toPayload } from '../../core/graphql/payload.js';
import { PageArgs, pageRequest } from '../../core/relay/connection.js';
import { AccessKeyConnection, AccessKeyNode } from './access-key.type.js';
import { AccessKeyService } from './access-key.service.js';

@InputType({ description: 'A new access key.' })
class AccessKeyCreateInput {
  @Field({ description: 'What the key is for, 1 to 100 characters.' })
  name!: string;

  @Field(() => Role, { description: 'What the key may do.' })
  role!: Role;
}

@InputType({ description: 'An access key to revoke.' })
class AccessKeyRevokeInput {
  @Field(() => ID, { description: 'The key.' })
  id!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Result of `accessKeyCreate`.' })
class AccessKeyCreatePayload {
  @Field(() => AccessKeyNode, { nullable: true, description: 'The new key, unless userErrors says why not.' })
  accessKey!: AccessKeyNode | null;

  @Field(() => String, { nullable: true, description: 'The secret key. Shown this once: store it now; only its hash is kept.' })
  key!: string | null;

  @Field(() => [UserError], { description: 'Why nothing was written; empty on success.' })
  userErrors!: UserError[];
}

const AccessKeyRevokePayload = payloadOf('accessKeyRevoke', 'accessKey', AccessKeyNode, 'revoked key');

@Resolver(() => AccessKeyNode)
export class AccessKeyResolver {
  @Authorized([Role.OWNER])
  @Query(() => AccessKeyConnection, { description: 'Access keys of your tenant (OWNER only).' })
  async accessKeys(@Args() args: PageArgs, @Ctx() ctx: GraphQLContext): Promise<AccessKeyConnection> {
    return AccessKeyConnection.from(await new AccessKeyService(ctx).list(pageRequest(args)), AccessKeyNode.from);
  }

  @Authorized([Role.OWNER])
  @Mutation(() => AccessKeyCreatePayload, { description: 'Creates an access key (OWNER only).' })
  async accessKeyCreate(@Arg('input') input: AccessKeyCreateInput, @Ctx() ctx: GraphQLContext): Promise<AccessKeyCreatePayload> {
    const outcome = await new AccessKeyService(ctx).create(input.role, input.name);
    if (!outcome.ok) return { accessKey: null, key: null, userErrors: outcome.errors };
    return { accessKey: AccessKeyNode.from(outcome.value.accessKey), key: outcome.value.key, userErrors: [] };
  }

  @Authorized([Role.OWNER])
  @Mutation(() => AccessKeyRevokePayload, { description: 'Revokes an access key at once (OWNER only).' })
  async accessKeyRevoke(@Arg('input') input: AccessKeyRevokeInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('accessKey', await new AccessKeyService(ctx).revoke(input.id), AccessKeyNode.from);
  }
}
