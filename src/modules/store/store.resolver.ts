import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS, WRITERS } from '../../core/auth/viewer.js';
import { PageArgs, pageRequest } from '../../core/relay/connection.js';
import { toPayload } from '../../core/graphql/payload.js';
import { StoreConnection, StoreNode } from './store.type.js';
import { StoreCreateInput, StoreUpdateInput } from './store.inputs.js';
import { StoreCreatePayload, StoreUpdatePayload } from './store.payloads.js';
import { StoreService } from './store.service.js';

@Resolver(() => StoreNode)
export class StoreResolver {
  @Authorized(READERS)
  @Query(() => StoreNode, { nullable: true, description: 'A store by id; null if there is none in your tenant.' })
  async store(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<StoreNode | null> {
    const store = await new StoreService(ctx).findByGlobalId(id);
    return store && StoreNode.from(store);
  }

  @Authorized(READERS)
  @Query(() => StoreConnection, { description: 'The stores of your tenant, by code.' })
  async stores(@Args() args: PageArgs, @Ctx() ctx: GraphQLContext): Promise<StoreConnection> {
    const page = await new StoreService(ctx).list(pageRequest(args));
    return StoreConnection.from(page, StoreNode.from);
  }

  @Authorized(WRITERS)
  @Mutation(() => StoreCreatePayload, { description: 'Adds a store.' })
  async storeCreate(@Arg('input') input: StoreCreateInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('store', await new StoreService(ctx).create(input), StoreNode.from);
  }

  @Authorized(WRITERS)
  @Mutation(() => StoreUpdatePayload, { description: 'Changes a store.' })
  async storeUpdate(@Arg('input') input: StoreUpdateInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('store', await new StoreService(ctx).update(input), StoreNode.from);
  }
}
