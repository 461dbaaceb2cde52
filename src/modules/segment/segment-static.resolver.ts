import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { WRITERS } from '../../core/auth/viewer.js';
import { SegmentMembersImportInput, SegmentMembersInput } from './segment.inputs.js';
import { SegmentMembersImportPayload, SegmentMembersPayload } from './segment.payloads.js';
import { SegmentStaticService } from './segment-static.service.js';
import { SegmentNode } from './segment.type.js';
import type { Outcome } from '../../core/errors.js';
import type { Segment } from './segment.entity.js';

const toMembersPayload = (outcome: Outcome<{ segment: Segment; changed: number }>) =>
  outcome.ok ? { segment: SegmentNode.from(outcome.value.segment), changed: outcome.value.changed, userErrors: [] } : { segment: null, changed: 0, userErrors: outcome.errors };

@Resolver()
export class SegmentStaticResolver {
  @Authorized(WRITERS)
  @Mutation(() => SegmentMembersPayload, { description: 'Adds members to a STATIC segment (ENTERED, MANUAL); members already in it are left as they are.' })
  async segmentMembersAdd(@Arg('input') input: SegmentMembersInput, @Ctx() ctx: GraphQLContext) {
    return toMembersPayload(await new SegmentStaticService(ctx).add(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => SegmentMembersPayload, { description: 'Removes members from a STATIC segment (EXITED, MANUAL).' })
  async segmentMembersRemove(@Arg('input') input: SegmentMembersInput, @Ctx() ctx: GraphQLContext) {
    return toMembersPayload(await new SegmentStaticService(ctx).remove(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => SegmentMembersImportPayload, { description: 'Adds the members a CSV of identities names to a STATIC segment (ENTERED, IMPORT), and lists the rows that named nobody.' })
  async segmentMembersImport(@Arg('input') input: SegmentMembersImportInput, @Ctx() ctx: GraphQLContext) {
    const outcome = await new SegmentStaticService(ctx).import(input);
    if (!outcome.ok) return { segment: null, matched: 0, added: 0, alreadyMembers: 0, unmatchedCount: 0, unmatched: [], userErrors: outcome.errors };
    return { ...outcome.value, segment: SegmentNode.from(outcome.value.segment), userErrors: [] };
  }
}
