import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS, WRITERS } from '../../core/auth/viewer.js';
import { payloadOf, toPayload } from '../../core/graphql/payload.js';
import { PageArgs } from '../../core/relay/connection.js';
import { loyaltyProgram } from './loyalty-program.js';
import { LoyaltyProgramService } from './loyalty-program.service.js';
import { LoyaltyProgramNode, LoyaltyProgramUpdateInput, PointsRuleConnection, PointsRuleInput, PointsRuleNode } from './loyalty-program.type.js';

const LoyaltyProgramUpdatePayload = payloadOf('loyaltyProgramUpdate', 'loyaltyProgram', LoyaltyProgramNode, 'programme as changed');
const PointsRuleCreatePayload = payloadOf('pointsRuleCreate', 'pointsRule', PointsRuleNode, 'rule created');
const PointsRuleUpdatePayload = payloadOf('pointsRuleUpdate', 'pointsRule', PointsRuleNode, 'rule as changed');

@Resolver()
export class LoyaltyProgramResolver {
  @Authorized(READERS)
  @Query(() => LoyaltyProgramNode, { description: 'How your points, tiers and membership card work.' })
  async loyaltyProgram(@Ctx() ctx: GraphQLContext): Promise<LoyaltyProgramNode> {
    return LoyaltyProgramNode.from(await loyaltyProgram(ctx));
  }

  @Authorized(WRITERS)
  @Mutation(() => LoyaltyProgramUpdatePayload, { description: 'Changes the loyalty programme; it applies to what happens next.' })
  async loyaltyProgramUpdate(@Arg('input') input: LoyaltyProgramUpdateInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('loyaltyProgram', await new LoyaltyProgramService(ctx).update(input), LoyaltyProgramNode.from);
  }

  @Authorized(READERS)
  @Query(() => PointsRuleConnection, { description: 'Earning rules, newest first.' })
  async pointsRules(@Args() args: PageArgs, @Ctx() ctx: GraphQLContext): Promise<PointsRuleConnection> {
    return PointsRuleConnection.from(await new LoyaltyProgramService(ctx).rules(args), PointsRuleNode.from);
  }

  @Authorized(WRITERS)
  @Mutation(() => PointsRuleCreatePayload, { description: 'Adds an earning rule; it applies to orders paid from now on.' })
  async pointsRuleCreate(@Arg('input') input: PointsRuleInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('pointsRule', await new LoyaltyProgramService(ctx).createRule(input), PointsRuleNode.from);
  }

  @Authorized(WRITERS)
  @Mutation(() => PointsRuleUpdatePayload, { description: 'Changes an earning rule (deactivate with active: false); points already earned stay.' })
  async pointsRuleUpdate(@Arg('input') input: PointsRuleInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('pointsRule', await new LoyaltyProgramService(ctx).updateRule(input), PointsRuleNode.from);
  }
}
