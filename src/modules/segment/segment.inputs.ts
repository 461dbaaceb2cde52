import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../core/relay/connection.js';
import { SegmentKind, SegmentMovementKind } from './segment.enums.js';

@InputType({ description: 'A new segment.' })
export class SegmentCreateInput {
  @Field({ description: 'Name, 1 to 200 characters, unique among your segments.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What it is for, up to 1,000 characters.' })
  description?: string | null;

  @Field(() => SegmentKind, { description: 'DYNAMIC (give `query`) or STATIC (add members with segmentMembersAdd or segmentMembersImport).' })
  kind!: SegmentKind;

  @Field(() => String, { nullable: true, description: 'The query of a DYNAMIC segment.' })
  query?: string | null;

  @Field(() => String, { nullable: true, description: 'A tag to stamp on members while they are in the segment: 1 to 64 characters, no commas.' })
  tag?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Compute the membership of a DYNAMIC segment at once (default true); false leaves it to segmentRefresh or the SEGMENT_REFRESH job.' })
  refresh?: boolean | null;
}

@InputType({ description: 'Changes to a segment: a new version. Omitted fields stay; null clears description or tag.' })
export class SegmentUpdateInput {
  @Field(() => ID, { description: 'The segment.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New description.' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'New query (DYNAMIC only).' })
  query?: string | null;

  @Field(() => String, { nullable: true, description: 'New tag: members of the segment lose the old tag and get the new one.' })
  tag?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'After a query change, recompute the membership at once (default true).' })
  refresh?: boolean | null;
}

@InputType({ description: 'A segment to act on.' })
export class SegmentIdInput {
  @Field(() => ID, { description: 'The segment.' })
  id!: string;
}

@InputType({ description: 'Members to add to or remove from a STATIC segment.' })
export class SegmentMembersInput {
  @Field(() => ID, { description: 'The STATIC segment.' })
  id!: string;

  @Field(() => [ID], { description: 'Member ids, 1 to 1,000.' })
  memberIds!: string[];
}

@InputType({ description: 'Members of a STATIC segment named by their identities, as CSV.' })
export class SegmentMembersImportInput {
  @Field(() => ID, { description: 'The STATIC segment.' })
  id!: string;

  @Field({ description: 'CSV with the header `channel,external_id` (channel: an IdentityChannel), up to 100,000 rows and 10 MB.' })
  csv!: string;
}

@ArgsType()
export class SegmentsArgs extends PageArgs {
  @Field(() => SegmentKind, { nullable: true, description: 'Only segments of this kind.' })
  kind?: SegmentKind | null;
}

@ArgsType()
export class SegmentMovementsArgs extends PageArgs {
  @Field(() => SegmentMovementKind, { nullable: true, description: 'Only entries or only exits.' })
  kind?: SegmentMovementKind | null;

  @Field(() => Date, { nullable: true, description: 'Moves at or after this time.' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Moves before this time.' })
  until?: Date | null;
}

@ArgsType()
export class SegmentPreviewArgs {
  @Field({ description: 'A segment-language query.' })
  query!: string;

  @Field(() => Int, { nullable: true, description: 'Matching members to return, 0 to 50 (default 10), in a stable order.' })
  sampleSize?: number | null;
}
