import { Arg, Args, Authorized, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { Role } from '../../core/auth/role.js';
import { READERS, WRITERS } from '../../core/auth/viewer.js';
import { UserError } from '../../core/errors.js';
import { payloadOf, toPayload } from '../../core/graphql/payload.js';
import { MemberNode } from '../member/member.type.js';
import { memberById } from '../member/member.loaders.js';
import { StoreNode } from '../store/store.type.js';
import { storeById } from '../store/store.loaders.js';
import { IngestStatus } from './touchpoint.enums.js';
import { TouchpointFilterArgs, TouchpointsRecordInput, TouchpointTypeCreateInput } from './touchpoint.inputs.js';
import { TouchpointConnection, TouchpointCustomTypeNode, TouchpointNode, TouchpointRecordResult } from './touchpoint.type.js';
import { TouchpointIngestService } from './touchpoint-ingest.service.js';
import { TouchpointService } from './touchpoint.service.js';

/** Roles that may record events and orders. */
export const INGESTERS = [Role.OWNER, Role.ADMIN, Role.INGEST];

@ObjectType({ simpleResolvers: true, description: 'Result of `touchpointsRecord`: one result per event, in the order sent.' })
class TouchpointsRecordPayload {
  @Field(() => [TouchpointRecordResult], { description: 'Per event: ACCEPTED, DUPLICATE or REJECTED.' })
  results!: TouchpointRecordResult[];

  @Field(() => Int, { description: 'How many were stored now.' })
  accepted!: number;

  @Field(() => Int, { description: 'How many had been stored before.' })
  duplicates!: number;

  @Field(() => Int, { description: 'How many were rejected.' })
  rejected!: number;

  @Field(() => [UserError], { description: 'Why the whole call was refused (e.g. too many events); empty otherwise.' })
  userErrors!: UserError[];
}

const TouchpointTypeCreatePayload = payloadOf('touchpointTypeCreate', 'customType', TouchpointCustomTypeNode, 'declared type');

@Resolver(() => TouchpointNode)
export class TouchpointResolver {
  @Authorized(INGESTERS)
  @Mutation(() => TouchpointsRecordPayload, { description: 'Records up to 1,000 events; a bad event never rejects its neighbours.' })
  async touchpointsRecord(@Arg('input') input: TouchpointsRecordInput, @Ctx() ctx: GraphQLContext): Promise<TouchpointsRecordPayload> {
    const outcome = await new TouchpointIngestService(ctx).record(input.events);
    if (!outcome.ok) return { results: [], accepted: 0, duplicates: 0, rejected: 0, userErrors: outcome.errors };
    const count = (status: IngestStatus) => outcome.value.filter((r) => r.status === status).length;
    return {
      results: outcome.value,
      accepted: count(IngestStatus.ACCEPTED),
      duplicates: count(IngestStatus.DUPLICATE),
      rejected: count(IngestStatus.REJECTED),
      userErrors: [],
    };
  }

  @Authorized(READERS)
  @Query(() => TouchpointConnection, { description: "Touchpoints across your tenant, newest first." })
  async touchpoints(@Args() args: TouchpointFilterArgs, @Ctx() ctx: GraphQLContext): Promise<TouchpointConnection> {
    return TouchpointConnection.from(await new TouchpointService(ctx).list(args), TouchpointNode.from);
  }

  @Authorized(READERS)
  @Query(() => [TouchpointCustomTypeNode], { description: 'Touchpoint types your tenant declared.' })
  async touchpointTypes(@Ctx() ctx: GraphQLContext): Promise<TouchpointCustomTypeNode[]> {
    return (await new TouchpointService(ctx).customTypes()).map(TouchpointCustomTypeNode.from);
  }

  @Authorized(WRITERS)
  @Mutation(() => TouchpointTypeCreatePayload, { description: 'Declares a touchpoint type of your own, for events of type CUSTOM.' })
  async touchpointTypeCreate(@Arg('input') input: TouchpointTypeCreateInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('customType', await new TouchpointService(ctx).createCustomType(input), TouchpointCustomTypeNode.from);
  }

  @FieldResolver(() => MemberNode, { nullable: true, description: 'The member (after merges, the survivor).' })
  async member(@Root() touchpoint: TouchpointNode, @Ctx() ctx: GraphQLContext): Promise<MemberNode | null> {
    const member = await ctx.loaders.get(memberById).load(touchpoint.memberDbId);
    return member && MemberNode.from(member, ctx.viewer);
  }

  @FieldResolver(() => StoreNode, { nullable: true, description: 'The store, if any.' })
  async store(@Root() touchpoint: TouchpointNode, @Ctx() ctx: GraphQLContext): Promise<StoreNode | null> {
    if (!touchpoint.storeDbId) return null;
    const store = await ctx.loaders.get(storeById).load(touchpoint.storeDbId);
    return store && StoreNode.from(store);
  }
}
