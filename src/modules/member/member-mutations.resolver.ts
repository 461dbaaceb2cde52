import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { WRITERS } from '../../core/auth/viewer.js';
import { toPayload } from '../../core/graphql/payload.js';
import type { Outcome } from '../../core/errors.js';
import type { Member } from './member.entity.js';
import { MemberNode } from './member.type.js';
import { MemberConsentSetInput, MemberEraseInput, MemberIdentityBindInput, MemberMergeInput, MemberTagsInput } from './member.inputs.js';
import {
  MemberConsentSetPayload,
  MemberErasePayload,
  MemberIdentityBindPayload,
  MemberIdentityUnbindPayload,
  MemberMergePayload,
  MemberTagsAddPayload,
  MemberTagsRemovePayload,
} from './member.payloads.js';
import { MemberService } from './member.service.js';
import { MemberIdentityService } from './member-identity.service.js';
import { MemberConsentService } from './member-consent.service.js';
import { MemberMergeService } from './member-merge.service.js';

const payload = (ctx: GraphQLContext, outcome: Outcome<Member>) => toPayload('member', outcome, (m) => MemberNode.from(m, ctx.viewer));

/** Mutations on what hangs off a member: tags, identities, consents, merges and erasure. */
@Resolver()
export class MemberMutationsResolver {
  @Authorized(WRITERS)
  @Mutation(() => MemberTagsAddPayload, { description: 'Adds manual tags; tags already there are kept once.' })
  async memberTagsAdd(@Arg('input') input: MemberTagsInput, @Ctx() ctx: GraphQLContext) {
    return payload(ctx, await new MemberService(ctx).tagsAdd(input.id, input.tags));
  }

  @Authorized(WRITERS)
  @Mutation(() => MemberTagsRemovePayload, { description: 'Removes manual tags; tags not there are ignored.' })
  async memberTagsRemove(@Arg('input') input: MemberTagsInput, @Ctx() ctx: GraphQLContext) {
    return payload(ctx, await new MemberService(ctx).tagsRemove(input.id, input.tags));
  }

  @Authorized(WRITERS)
  @Mutation(() => MemberIdentityBindPayload, { description: 'Binds an external account; TAKEN if another member has it.' })
  async memberIdentityBind(@Arg('input') input: MemberIdentityBindInput, @Ctx() ctx: GraphQLContext) {
    return payload(ctx, await new MemberIdentityService(ctx).bind(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => MemberIdentityUnbindPayload, { description: 'Unbinds an external account from the member.' })
  async memberIdentityUnbind(@Arg('input') input: MemberIdentityBindInput, @Ctx() ctx: GraphQLContext) {
    return payload(ctx, await new MemberIdentityService(ctx).unbind(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => MemberConsentSetPayload, { description: 'Records a consent given or withdrawn; the history keeps every change.' })
  async memberConsentSet(@Arg('input') input: MemberConsentSetInput, @Ctx() ctx: GraphQLContext) {
    return payload(ctx, await new MemberConsentService(ctx).set(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => MemberMergePayload, {
    description: 'Merges two records of one person: everything of `mergedId` moves to `survivorId` in one transaction.',
  })
  async memberMerge(@Arg('input') input: MemberMergeInput, @Ctx() ctx: GraphQLContext) {
    return payload(ctx, await new MemberMergeService(ctx).merge(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => MemberErasePayload, { description: 'Erases personal data (privacy request); a tombstone keeps aggregates consistent.' })
  async memberErase(@Arg('input') input: MemberEraseInput, @Ctx() ctx: GraphQLContext) {
    return payload(ctx, await new MemberMergeService(ctx).erase(input.id));
  }
}
