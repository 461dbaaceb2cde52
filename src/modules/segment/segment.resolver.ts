import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS, WRITERS } from '../../core/auth/viewer.js';
import { PageArgs } from '../../core/relay/connection.js';
import { MemberNode } from '../member/member.type.js';
import { SegmentCreateInput, SegmentIdInput, SegmentMovementsArgs, SegmentPreviewArgs, SegmentsArgs, SegmentUpdateInput } from './segment.inputs.js';
import { SegmentCreatePayload, SegmentDeletePayload, SegmentRefreshPayload, SegmentUpdatePayload } from './segment.payloads.js';
import { SegmentQueryService } from './segment-query.service.js';
import { SegmentService } from './segment.service.js';
import {
  SegmentConnection,
  SegmentExplanationNode,
  SegmentFilterNode,
  SegmentMemberConnection,
  SegmentMovementConnection,
  SegmentMovementNode,
  SegmentNode,
  SegmentPreviewNode,
  SegmentQueryValidationNode,
  SegmentVersionConnection,
  SegmentVersionNode,
} from './segment.type.js';
import type { Outcome } from '../../core/errors.js';
import type { Segment } from './segment.entity.js';

const toSegmentPayload = (outcome: Outcome<Segment>) =>
  outcome.ok ? { segment: SegmentNode.from(outcome.value), userErrors: [] } : { segment: null, userErrors: outcome.errors };

@Resolver(() => SegmentNode)
export class SegmentResolver {
  @Authorized(READERS)
  @Query(() => SegmentNode, { nullable: true, description: 'A segment by id; null if there is none in your tenant (or it was deleted).' })
  async segment(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<SegmentNode | null> {
    const segment = await new SegmentQueryService(ctx).byGlobalId(id);
    return segment && SegmentNode.from(segment);
  }

  @Authorized(READERS)
  @Query(() => SegmentConnection, { description: 'Your segments, newest first.' })
  async segments(@Args() args: SegmentsArgs, @Ctx() ctx: GraphQLContext): Promise<SegmentConnection> {
    return SegmentConnection.from(await new SegmentQueryService(ctx).list(args), SegmentNode.from);
  }

  @Authorized(READERS)
  @Query(() => SegmentPreviewNode, { description: 'Counts and samples what a query matches now, without saving anything.' })
  async segmentPreview(@Args() args: SegmentPreviewArgs, @Ctx() ctx: GraphQLContext): Promise<SegmentPreviewNode> {
    const { node } = await new SegmentQueryService(ctx).preview(args.query, args.sampleSize ?? 10);
    return node;
  }

  @Authorized(READERS)
  @Query(() => SegmentQueryValidationNode, { description: 'Checks a query without running it: problems come back with line, column and a suggestion.' })
  segmentQueryValidate(@Arg('query') query: string, @Ctx() ctx: GraphQLContext): Promise<SegmentQueryValidationNode> {
    return new SegmentQueryService(ctx).validate(query);
  }

  @Authorized(READERS)
  @Query(() => [SegmentFilterNode], { description: 'Every field and function of the segment language, with its type, operators, description and examples.' })
  segmentFilters(@Ctx() ctx: GraphQLContext): SegmentFilterNode[] {
    return new SegmentQueryService(ctx).filters();
  }

  @Authorized(WRITERS)
  @Mutation(() => SegmentCreatePayload, { description: 'Creates a segment (version 1). A DYNAMIC one is refreshed at once unless refresh is false.' })
  async segmentCreate(@Arg('input') input: SegmentCreateInput, @Ctx() ctx: GraphQLContext) {
    return toSegmentPayload(await new SegmentService(ctx).create(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => SegmentUpdatePayload, { description: 'Changes a segment as a new version; earlier versions stay readable. A changed query refreshes the membership unless refresh is false.' })
  async segmentUpdate(@Arg('input') input: SegmentUpdateInput, @Ctx() ctx: GraphQLContext) {
    return toSegmentPayload(await new SegmentService(ctx).update(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => SegmentDeletePayload, { description: 'Deletes a segment: its members exit (SEGMENT_DELETED) and lose its tag. Afterwards it answers like a missing one.' })
  async segmentDelete(@Arg('input') input: SegmentIdInput, @Ctx() ctx: GraphQLContext) {
    return toSegmentPayload(await new SegmentService(ctx).delete(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => SegmentRefreshPayload, { description: 'Recomputes a DYNAMIC segment’s membership now, recording every entry and exit.' })
  async segmentRefresh(@Arg('input') input: SegmentIdInput, @Ctx() ctx: GraphQLContext) {
    const outcome = await new SegmentService(ctx).refresh(input);
    if (!outcome.ok) return { segment: null, entered: 0, exited: 0, userErrors: outcome.errors };
    return { segment: SegmentNode.from(outcome.value.segment), ...outcome.value.change, userErrors: [] };
  }

  @FieldResolver(() => SegmentMemberConnection, { description: 'Members in the segment (as of lastRefreshedAt), by member id.' })
  async members(@Root() segment: SegmentNode, @Args() args: PageArgs, @Ctx() ctx: GraphQLContext): Promise<SegmentMemberConnection> {
    const service = new SegmentQueryService(ctx);
    const { page, members } = await service.members(await this.entity(ctx, segment), args);
    return SegmentMemberConnection.from(page, (row) => MemberNode.from(members.get(row.memberId)!, ctx.viewer));
  }

  @FieldResolver(() => SegmentMovementConnection, { description: 'Entries and exits, newest first.' })
  async movements(@Root() segment: SegmentNode, @Args() args: SegmentMovementsArgs, @Ctx() ctx: GraphQLContext): Promise<SegmentMovementConnection> {
    return SegmentMovementConnection.from(await new SegmentQueryService(ctx).movements(await this.entity(ctx, segment), args), SegmentMovementNode.from);
  }

  @FieldResolver(() => SegmentVersionConnection, { description: 'Every definition the segment has had, newest first.' })
  async versions(@Root() segment: SegmentNode, @Args() args: PageArgs, @Ctx() ctx: GraphQLContext): Promise<SegmentVersionConnection> {
    return SegmentVersionConnection.from(await new SegmentQueryService(ctx).versions(await this.entity(ctx, segment), args), SegmentVersionNode.from);
  }

  @FieldResolver(() => SegmentExplanationNode, { nullable: true, description: 'Which conditions a member meets and which it fails, with the member’s values; null if there is no such member.' })
  async explain(@Root() segment: SegmentNode, @Arg('memberId', () => ID) memberId: string, @Ctx() ctx: GraphQLContext): Promise<SegmentExplanationNode | null> {
    return new SegmentQueryService(ctx).explain(await this.entity(ctx, segment), memberId);
  }

  private async entity(ctx: GraphQLContext, segment: SegmentNode): Promise<Segment> {
    const found = await new SegmentQueryService(ctx).byGlobalId(segment.id);
    if (!found) throw new Error(`segment ${segment.id} vanished`);
    return found;
  }
}

@Resolver(() => SegmentPreviewNode)
export class SegmentPreviewResolver {
  @FieldResolver(() => [MemberNode], { description: 'Matching members, in a stable order (by id), at most sampleSize.' })
  async sample(@Root() preview: SegmentPreviewNode, @Ctx() ctx: GraphQLContext): Promise<MemberNode[]> {
    const members = await new SegmentQueryService(ctx).load(preview.sampleIds);
    return preview.sampleIds.filter((id) => members.has(id)).map((id) => MemberNode.from(members.get(id)!, ctx.viewer));
  }
}

@Resolver(() => SegmentExplanationNode)
export class SegmentExplanationResolver {
  @FieldResolver(() => MemberNode, { description: 'The member explained.' })
  async member(@Root() explanation: SegmentExplanationNode, @Ctx() ctx: GraphQLContext): Promise<MemberNode> {
    const members = await new SegmentQueryService(ctx).load([explanation.memberDbId]);
    return MemberNode.from(members.get(explanation.memberDbId)!, ctx.viewer);
  }
}

@Resolver(() => SegmentMovementNode)
export class SegmentMovementResolver {
  @FieldResolver(() => MemberNode, { nullable: true, description: 'The member who moved; null once erased or merged away.' })
  async member(@Root() movement: SegmentMovementNode, @Ctx() ctx: GraphQLContext): Promise<MemberNode | null> {
    const members = await new SegmentQueryService(ctx).load([movement.memberDbId]);
    const member = members.get(movement.memberDbId);
    return member ? MemberNode.from(member, ctx.viewer) : null;
  }
}

@Resolver(() => MemberNode)
export class MemberSegmentResolver {
  @Authorized(READERS)
  @FieldResolver(() => [SegmentNode], { description: 'Segments the member is in (as of each segment’s last refresh), by name.' })
  async segments(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<SegmentNode[]> {
    return (await new SegmentQueryService(ctx).segmentsOf(member.dbId)).map(SegmentNode.from);
  }
}
