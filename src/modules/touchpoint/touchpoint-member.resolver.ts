import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { MemberNode } from '../member/member.type.js';
import { TouchpointCountArgs, TouchpointFilterArgs } from './touchpoint.inputs.js';
import { touchpointCountsByMember } from './touchpoint.loaders.js';
import { TouchpointConnection, TouchpointCountNode, TouchpointNode } from './touchpoint.type.js';
import { TouchpointService } from './touchpoint.service.js';

/** A member's touchpoints, kept in the touchpoint module. */
@Resolver(() => MemberNode)
export class MemberTouchpointsResolver {
  @FieldResolver(() => TouchpointConnection, { description: "The member's touchpoints, newest first." })
  async touchpoints(@Root() member: MemberNode, @Args() args: TouchpointFilterArgs, @Ctx() ctx: GraphQLContext): Promise<TouchpointConnection> {
    return TouchpointConnection.from(await new TouchpointService(ctx).forMember(member.dbId, args), TouchpointNode.from);
  }

  @FieldResolver(() => [TouchpointCountNode], { description: "How many of the member's touchpoints there are, by type and channel." })
  touchpointCounts(@Root() member: MemberNode, @Args() args: TouchpointCountArgs, @Ctx() ctx: GraphQLContext): Promise<TouchpointCountNode[]> {
    return ctx.loaders.get(touchpointCountsByMember).load({ memberId: member.dbId, since: args.since, until: args.until });
  }
}
