import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { MEMBER_ROLE, WRITERS } from '../../core/auth/viewer.js';
import { UserError } from '../../core/errors.js';
import { MemberNode } from '../member/member.type.js';
import { ViewerService } from './viewer.service.js';

@InputType({ description: 'A member to issue an app token for.' })
class MemberTokenCreateInput {
  @Field(() => ID, { description: 'The member.' })
  memberId!: string;

  @Field(() => Int, { nullable: true, description: 'Lifetime in seconds, from 60 to the configured maximum (default: the maximum).' })
  ttlSeconds?: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'Result of `memberTokenCreate`.' })
class MemberTokenCreatePayload {
  @Field(() => String, { nullable: true, description: 'Bearer token with which an app reads this member through `viewer`.' })
  token!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the token stops working.' })
  expiresAt!: Date | null;

  @Field(() => MemberNode, { nullable: true, description: 'The member the token is for.' })
  member!: MemberNode | null;

  @Field(() => [UserError], { description: 'Why no token was issued; empty on success.' })
  userErrors!: UserError[];
}

@ObjectType('Viewer', { simpleResolvers: true, description: 'Who a member token speaks for: a mobile app’s entry point.' })
class ViewerNode {
  @Field(() => MemberNode, { description: 'The member (after merges, the survivor).' })
  member!: MemberNode;

  @Field(() => Date, { description: 'When the token stops working.' })
  tokenExpiresAt!: Date;
}

@Resolver()
export class ViewerResolver {
  @Authorized([MEMBER_ROLE])
  @Query(() => ViewerNode, { nullable: true, description: 'The member a member token was issued for, with its card, points and coupons (mobile apps); null once the member is erased.' })
  async viewer(@Ctx() ctx: GraphQLContext): Promise<ViewerNode | null> {
    if (ctx.viewer.kind !== 'member') return null;
    const member = await new ViewerService(ctx).member();
    return member && Object.assign(new ViewerNode(), { member: MemberNode.from(member, ctx.viewer), tokenExpiresAt: ctx.viewer.expiresAt });
  }

  @Authorized(WRITERS)
  @Mutation(() => MemberTokenCreatePayload, { description: 'Issues a short-lived token with which an app can read one member.' })
  async memberTokenCreate(@Arg('input') input: MemberTokenCreateInput, @Ctx() ctx: GraphQLContext): Promise<MemberTokenCreatePayload> {
    const outcome = await new ViewerService(ctx).issueToken(input.memberId, input.ttlSeconds);
    if (!outcome.ok) return { token: null, expiresAt: null, member: null, userErrors: outcome.errors };
    const { token, expiresAt, member } = outcome.value;
    return { token, expiresAt, member: MemberNode.from(member, ctx.viewer), userErrors: [] };
  }
}
