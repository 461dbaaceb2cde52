import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS } from '../../core/auth/viewer.js';
import { PageArgs } from '../../core/relay/connection.js';
import { MemberNode } from '../member/member.type.js';
import { LifecycleStage } from './lifecycle.enums.js';
import { LifecycleService } from './lifecycle.service.js';
import { LifecycleStageCountNode, LifecycleTransitionConnection, LifecycleTransitionCountsNode, LifecycleTransitionNode, MemberLifecycleNode } from './lifecycle.type.js';

@Resolver()
export class LifecycleResolver {
  @Authorized(READERS)
  @Query(() => LifecycleTransitionCountsNode, { description: 'Counts lifecycle transitions that took effect in [since, until) (at most 3 years), optionally from and to given stages.' })
  lifecycleTransitions(
    @Arg('since') since: Date,
    @Arg('until') until: Date,
    @Arg('from', () => LifecycleStage, { nullable: true }) from: LifecycleStage | null,
    @Arg('to', () => LifecycleStage, { nullable: true }) to: LifecycleStage | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<LifecycleTransitionCountsNode> {
    return new LifecycleService(ctx).transitions(from, to, since, until);
  }

  @Authorized(READERS)
  @Query(() => [LifecycleStageCountNode], { description: 'Active members per lifecycle stage now.' })
  lifecycleDistribution(@Ctx() ctx: GraphQLContext): Promise<LifecycleStageCountNode[]> {
    return new LifecycleService(ctx).distribution();
  }
}

@Resolver(() => MemberNode)
export class MemberLifecycleResolver {
  @Authorized(READERS)
  @FieldResolver(() => MemberLifecycleNode, { description: 'The member’s lifecycle stage (see LifecycleStage), kept current on every order and daily by LIFECYCLE_REFRESH.' })
  lifecycle(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<MemberLifecycleNode> {
    return new LifecycleService(ctx).of(member.dbId);
  }

  @Authorized(READERS)
  @FieldResolver(() => LifecycleTransitionConnection, { description: 'The member’s lifecycle transitions, newest first.' })
  async lifecycleHistory(@Root() member: MemberNode, @Args() args: PageArgs, @Ctx() ctx: GraphQLContext): Promise<LifecycleTransitionConnection> {
    return LifecycleTransitionConnection.from(await new LifecycleService(ctx).history(member.dbId, args), LifecycleTransitionNode.from);
  }
}
