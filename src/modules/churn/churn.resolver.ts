import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS } from '../../core/auth/viewer.js';
import { MemberNode } from '../member/member.type.js';
import { memberById } from '../member/member.loaders.js';
import { ChurnModelReportArgs, ChurnRiskCrossedArgs, ChurnRiskCrossingsArgs } from './churn.inputs.js';
import { churnFeedOf } from './churn-feed.js';
import { ChurnService, crossingRow } from './churn.service.js';
import { ChurnModelNode, ChurnModelReportNode, ChurnRiskCrossingConnection, ChurnRiskCrossingNode, ChurnRiskNode } from './churn.type.js';

@Resolver()
export class ChurnResolver {
  @Authorized(READERS)
  @Query(() => ChurnModelNode, { description: 'The churn model that scores now; with asOf, the model fitted on the orders before asOf (computed on the spot, not stored).' })
  churnModel(@Arg('asOf', () => Date, { nullable: true }) asOf: Date | null, @Ctx() ctx: GraphQLContext): Promise<ChurnModelNode> {
    return new ChurnService(ctx).model(asOf);
  }

  @Authorized(READERS)
  @Query(() => ChurnModelReportNode, { description: 'Calibration: scores buyers as of a past date from the data before it, and checks who then did not order within the horizon (AUC and top-decile lift, beside plain recency).' })
  churnModelReport(@Args() args: ChurnModelReportArgs, @Ctx() ctx: GraphQLContext): Promise<ChurnModelReportNode> {
    return new ChurnService(ctx).report(args);
  }

  @Authorized(READERS)
  @Query(() => ChurnRiskCrossingConnection, { description: 'Recorded churn threshold crossings in the order they were committed: for polling clients and BI (`after` a cursor continues where the last poll or the subscription stopped).' })
  async churnRiskCrossings(@Args() args: ChurnRiskCrossingsArgs, @Ctx() ctx: GraphQLContext): Promise<ChurnRiskCrossingConnection> {
    return ChurnRiskCrossingConnection.from(await new ChurnService(ctx).crossings(args), (crossing) => ChurnRiskCrossingNode.from(crossingRow(crossing)));
  }

  @Authorized(READERS)
  @Subscription(() => ChurnRiskCrossingNode, {
    description:
      'Pushes each churn threshold crossing of your tenant as it commits, on any server instance. With afterCursor, first everything after that cursor, then live: nothing lost, nothing twice.',
    subscribe: ({ args, context, info }) => {
      const ctx = context as GraphQLContext;
      const feed = churnFeedOf(ctx.app);
      if (!feed) throw new Error('churn feed is not running');
      return feed.subscribe(args, ctx, info);
    },
  })
  churnRiskCrossed(@Root() crossing: ChurnRiskCrossingNode, @Args() _args: ChurnRiskCrossedArgs): ChurnRiskCrossingNode {
    return crossing;
  }
}

@Resolver(() => ChurnRiskCrossingNode)
export class ChurnRiskCrossingResolver {
  @FieldResolver(() => MemberNode, { nullable: true, description: 'The member; null once erased or merged away.' })
  async member(@Root() crossing: ChurnRiskCrossingNode, @Ctx() ctx: GraphQLContext): Promise<MemberNode | null> {
    const member = await ctx.loaders.get(memberById).load(crossing.memberDbId);
    return member ? MemberNode.from(member, ctx.viewer) : null;
  }
}

@Resolver(() => MemberNode)
export class MemberChurnResolver {
  @Authorized(READERS)
  @FieldResolver(() => ChurnRiskNode, { nullable: true, description: 'Risk of not ordering again within the horizon; null for members without orders.' })
  churnRisk(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<ChurnRiskNode | null> {
    return new ChurnService(ctx).riskOf(member.dbId);
  }
}
