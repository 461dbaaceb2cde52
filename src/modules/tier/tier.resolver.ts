import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS, WRITERS } from '../../core/auth/viewer.js';
import { payloadOf, toPayload } from '../../core/graphql/payload.js';
import { PageArgs } from '../../core/relay/connection.js';
import { MemberNode } from '../member/member.type.js';
import { TierCreateInput, TierRetireInput, TiersArgs, TierUpdateInput } from './tier.inputs.js';
import { TierQueryService } from './tier-query.service.js';
import { TierService } from './tier.service.js';
import { TierChangeConnection, TierChangeNode, TierConnection, TierNode, TierProgressNode } from './tier.type.js';

const TierCreatePayload = payloadOf('tierCreate', 'tier', TierNode, 'tier created');
const TierUpdatePayload = payloadOf('tierUpdate', 'tier', TierNode, 'tier as changed');
const TierRetirePayload = payloadOf('tierRetire', 'tier', TierNode, 'retired tier');

@Resolver(() => TierNode)
export class TierResolver {
  @Authorized(READERS)
  @Query(() => TierConnection, { description: 'Your tiers, lowest threshold first; active ones unless includeRetired.' })
  async tiers(@Args() args: TiersArgs, @Ctx() ctx: GraphQLContext): Promise<TierConnection> {
    return TierConnection.from(await new TierService(ctx).list(args), TierNode.from);
  }

  @Authorized(WRITERS)
  @Mutation(() => TierCreatePayload, {
    description: 'Adds a tier. Members whose growth value already reaches it move up at once (PROGRAM_CHANGE); nobody moves down.',
  })
  async tierCreate(@Arg('input') input: TierCreateInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('tier', await new TierService(ctx).create(input), TierNode.from);
  }

  @Authorized(WRITERS)
  @Mutation(() => TierUpdatePayload, {
    description:
      'Changes an active tier. A moved threshold moves members up at once when their growth value now reaches the tier; members it no longer holds keep it until their review. A new multiplier applies to orders paid from now on.',
  })
  async tierUpdate(@Arg('input') input: TierUpdateInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('tier', await new TierService(ctx).update(input), TierNode.from);
  }

  @Authorized(WRITERS)
  @Mutation(() => TierRetirePayload, {
    description:
      'Retires a tier: its members go at once to the highest active tier their growth value reaches, or none (PROGRAM_CHANGE). History keeps naming it; its code stays taken.',
  })
  async tierRetire(@Arg('input') input: TierRetireInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('tier', await new TierService(ctx).retire(input), TierNode.from);
  }

  @Authorized(READERS)
  @FieldResolver(() => Int, { description: 'Members in the tier now.' })
  memberCount(@Root() tier: TierNode, @Ctx() ctx: GraphQLContext): Promise<number> {
    return new TierQueryService(ctx).memberCount(tier.dbId);
  }
}

/** Tiers on Member: readable by the member's own token too. */
@Resolver(() => MemberNode)
export class MemberTierResolver {
  @FieldResolver(() => TierNode, { nullable: true, description: 'The member’s tier; null below the lowest tier.' })
  async tier(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<TierNode | null> {
    const tier = await new TierQueryService(ctx).tierOf(member.dbId);
    return tier && TierNode.from(tier);
  }

  @FieldResolver(() => TierProgressNode, { description: 'Growth value now and what the next tier takes.' })
  tierProgress(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<TierProgressNode> {
    return new TierQueryService(ctx).progress(member.dbId);
  }

  @FieldResolver(() => TierChangeConnection, { description: 'The member’s tier changes, newest first.' })
  async tierHistory(@Root() member: MemberNode, @Args() args: PageArgs, @Ctx() ctx: GraphQLContext): Promise<TierChangeConnection> {
    return TierChangeConnection.from(await new TierQueryService(ctx).history(member.dbId, args), TierChangeNode.from);
  }
}

@Resolver(() => TierChangeNode)
export class TierChangeResolver {
  @FieldResolver(() => TierNode, { nullable: true, description: 'The tier before; null when the member had none.' })
  async from(@Root() change: TierChangeNode, @Ctx() ctx: GraphQLContext): Promise<TierNode | null> {
    const tier = await new TierQueryService(ctx).tierById(change.fromDbId);
    return tier && TierNode.from(tier);
  }

  @FieldResolver(() => TierNode, { nullable: true, description: 'The tier after; null when the change left the member without one.' })
  async to(@Root() change: TierChangeNode, @Ctx() ctx: GraphQLContext): Promise<TierNode | null> {
    const tier = await new TierQueryService(ctx).tierById(change.toDbId);
    return tier && TierNode.from(tier);
  }
}
