import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS, WRITERS } from '../../core/auth/viewer.js';
import { PageArgs, pageRequest } from '../../core/relay/connection.js';
import { toPayload } from '../../core/graphql/payload.js';
import { StoreNode } from '../store/store.type.js';
import { storeById } from '../store/store.loaders.js';
import { IdentityChannel } from './member.enums.js';
import { MemberConnection, MemberConsentConnection, MemberConsentNode, MemberIdentityNode, MemberMergeNode, MemberNode } from './member.type.js';
import { MemberCreateInput, MemberUpdateInput, MembersArgs } from './member.inputs.js';
import { MemberCreatePayload, MemberUpdatePayload } from './member.payloads.js';
import { MemberService } from './member.service.js';
import { MemberIdentityService } from './member-identity.service.js';
import { MemberConsentService } from './member-consent.service.js';
import { findMemberByGlobalId } from './member-lookup.js';
import { consentsByMember, identitiesByMember, mergesBySurvivor, tagsByMember } from './member.loaders.js';

@Resolver(() => MemberNode)
export class MemberResolver {
  @Authorized(READERS)
  @Query(() => MemberNode, { nullable: true, description: 'A member by id; a merged id answers with the survivor. Null if none in your tenant.' })
  async member(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<MemberNode | null> {
    const member = await findMemberByGlobalId(ctx.em, id);
    return member && MemberNode.from(member, ctx.viewer);
  }

  @Authorized(READERS)
  @Query(() => MemberNode, { nullable: true, description: 'The member an external identity is bound to, or null.' })
  async memberByIdentity(
    @Arg('channel', () => IdentityChannel) channel: IdentityChannel,
    @Arg('externalId') externalId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MemberNode | null> {
    const member = await new MemberIdentityService(ctx).memberByIdentity(channel, externalId);
    return member && MemberNode.from(member, ctx.viewer);
  }

  @Authorized(READERS)
  @Query(() => MemberConnection, { description: 'Members of your tenant, searchable and sortable.' })
  async members(@Args() args: MembersArgs, @Ctx() ctx: GraphQLContext): Promise<MemberConnection> {
    const page = await new MemberService(ctx).list(args, pageRequest(args));
    return MemberConnection.from(page, (member) => MemberNode.from(member, ctx.viewer));
  }

  @Authorized(WRITERS)
  @Mutation(() => MemberCreatePayload, { description: 'Creates a member, with tags and identities.' })
  async memberCreate(@Arg('input') input: MemberCreateInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('member', await new MemberService(ctx).create(input), (m) => MemberNode.from(m, ctx.viewer));
  }

  @Authorized(WRITERS)
  @Mutation(() => MemberUpdatePayload, { description: "Changes a member's profile." })
  async memberUpdate(@Arg('input') input: MemberUpdateInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('member', await new MemberService(ctx).update(input), (m) => MemberNode.from(m, ctx.viewer));
  }

  @FieldResolver(() => [MemberIdentityNode], { description: 'External accounts bound to this member.' })
  async identities(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<MemberIdentityNode[]> {
    const identities = await ctx.loaders.get(identitiesByMember).load(member.dbId);
    return identities.map((identity) => MemberIdentityNode.from(identity, ctx.viewer));
  }

  @FieldResolver(() => [String], { description: 'Manual tags, alphabetical.' })
  async tags(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<string[]> {
    return (await ctx.loaders.get(tagsByMember).load(member.dbId)).map((tag) => tag.tag);
  }

  @FieldResolver(() => [MemberConsentNode], { description: 'Current consent per outbound channel; channels never asked are absent.' })
  async consents(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<MemberConsentNode[]> {
    return (await ctx.loaders.get(consentsByMember).load(member.dbId)).map(MemberConsentNode.from);
  }

  @FieldResolver(() => MemberConsentConnection, { description: 'Every consent change of this member, newest first.' })
  async consentHistory(@Root() member: MemberNode, @Args() args: PageArgs, @Ctx() ctx: GraphQLContext): Promise<MemberConsentConnection> {
    const page = await new MemberConsentService(ctx).history(member.dbId, pageRequest(args));
    return MemberConsentConnection.from(page, MemberConsentNode.from);
  }

  @FieldResolver(() => [MemberMergeNode], { description: 'Other records merged into this member, oldest first.' })
  async merges(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<MemberMergeNode[]> {
    return (await ctx.loaders.get(mergesBySurvivor).load(member.dbId)).map(MemberMergeNode.from);
  }

  @FieldResolver(() => StoreNode, { nullable: true, description: 'Store the member registered at.' })
  async registeredStore(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<StoreNode | null> {
    if (!member.registeredStoreId) return null;
    const store = await ctx.loaders.get(storeById).load(member.registeredStoreId);
    return store && StoreNode.from(store);
  }
}
