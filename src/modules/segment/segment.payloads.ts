import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { SegmentUserError } from './query/query-errors.js';
import { SegmentNode } from './segment.type.js';

const upperFirst = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

/** Payload of a segment mutation: the segment and SegmentUserErrors (with query positions). */
function segmentPayload(mutation: string, what: string): ClassType {
  @ObjectType(`${upperFirst(mutation)}Payload`, { simpleResolvers: true, description: `Result of \`${mutation}\`.` })
  class Payload {
    @Field(() => SegmentNode, { nullable: true, description: `The ${what}, unless userErrors says why not.` })
    segment!: SegmentNode | null;

    @Field(() => [SegmentUserError], { description: 'Why nothing was written; empty on success.' })
    userErrors!: SegmentUserError[];
  }
  return Payload;
}

export const SegmentCreatePayload = segmentPayload('segmentCreate', 'new segment');
export const SegmentUpdatePayload = segmentPayload('segmentUpdate', 'segment as changed');
export const SegmentDeletePayload = segmentPayload('segmentDelete', 'deleted segment');

@ObjectType({ simpleResolvers: true, description: 'Result of `segmentRefresh`.' })
export class SegmentRefreshPayload {
  @Field(() => SegmentNode, { nullable: true, description: 'The segment after the refresh, unless userErrors says why not.' })
  segment!: SegmentNode | null;

  @Field(() => Int, { description: 'Members who entered.' })
  entered!: number;

  @Field(() => Int, { description: 'Members who left.' })
  exited!: number;

  @Field(() => [SegmentUserError], { description: 'Why nothing was done; empty on success.' })
  userErrors!: SegmentUserError[];
}

@ObjectType({ simpleResolvers: true, description: 'Result of `segmentMembersAdd` and `segmentMembersRemove`.' })
export class SegmentMembersPayload {
  @Field(() => SegmentNode, { nullable: true, description: 'The segment, unless userErrors says why not.' })
  segment!: SegmentNode | null;

  @Field(() => Int, { description: 'Members added or removed (those already in, or not in, are not counted).' })
  changed!: number;

  @Field(() => [SegmentUserError], { description: 'Why nothing was written; empty on success.' })
  userErrors!: SegmentUserError[];
}

@ObjectType({ simpleResolvers: true, description: 'A CSV row that named no member.' })
export class SegmentImportRowNode {
  @Field(() => Int, { description: 'Line number in the CSV (the header is line 1).' })
  line!: number;

  @Field({ description: 'Channel as given.' })
  channel!: string;

  @Field({ description: 'External id as given.' })
  externalId!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Result of `segmentMembersImport`.' })
export class SegmentMembersImportPayload {
  @Field(() => SegmentNode, { nullable: true, description: 'The segment, unless userErrors says why not.' })
  segment!: SegmentNode | null;

  @Field(() => Int, { description: 'Rows that named a member.' })
  matched!: number;

  @Field(() => Int, { description: 'Members added.' })
  added!: number;

  @Field(() => Int, { description: 'Matched members who were already in the segment (or named twice).' })
  alreadyMembers!: number;

  @Field(() => Int, { description: 'Rows that named no member.' })
  unmatchedCount!: number;

  @Field(() => [SegmentImportRowNode], { description: 'The first 100 rows that named no member.' })
  unmatched!: SegmentImportRowNode[];

  @Field(() => [SegmentUserError], { description: 'Why nothing was written (a bad header, channel or row); empty on success.' })
  userErrors!: SegmentUserError[];
}
