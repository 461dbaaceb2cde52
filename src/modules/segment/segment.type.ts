import { Field, Int, ObjectType } from 'type-graphql';
import { connectionOf } from '../../core/relay/connection.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { Node } from '../../core/relay/node.js';
import { MemberNode } from '../member/member.type.js';
import { SegmentUserError } from './query/query-errors.js';
import type { Segment, SegmentMovement, SegmentVersion } from './segment.entity.js';
import { SegmentKind, SegmentMovementCause, SegmentMovementKind } from './segment.enums.js';

@ObjectType('Segment', { implements: Node, simpleResolvers: true, description: 'A named group of members: a query (DYNAMIC) or an explicit list (STATIC).' })
export class SegmentNode extends Node {
  dbId!: string;

  @Field({ description: 'Name, unique among your segments.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What the segment is for.' })
  description!: string | null;

  @Field(() => SegmentKind, { description: 'DYNAMIC (a query) or STATIC (a list).' })
  kind!: SegmentKind;

  @Field(() => String, { nullable: true, description: 'The segment-language query of a DYNAMIC segment (docs/segment-language.md).' })
  query!: string | null;

  @Field(() => String, { nullable: true, description: 'Tag stamped on every member while they are in the segment, and removed when they leave.' })
  tag!: string | null;

  @Field(() => Int, { description: 'Version of the definition: 1 at creation, +1 with every change (see versions).' })
  version!: number;

  @Field(() => Int, { description: 'Members after the last refresh (a STATIC segment: now). Counted when materialised, so cheap to read.' })
  count!: number;

  @Field(() => Date, { nullable: true, description: 'When membership was last recomputed (a STATIC segment: last changed); null before the first refresh.' })
  lastRefreshedAt!: Date | null;

  @Field({ description: 'Whether the membership was computed from an older definition (or never): refresh to bring it up to date.' })
  stale!: boolean;

  @Field({ description: 'When it was created.' })
  createdAt!: Date;

  @Field({ description: 'When its definition or membership last changed.' })
  updatedAt!: Date;

  static from(segment: Segment): SegmentNode {
    return Object.assign(new SegmentNode(), {
      id: toGlobalId('Segment', segment.id),
      dbId: segment.id,
      name: segment.name,
      description: segment.description ?? null,
      kind: segment.kind,
      query: segment.query ?? null,
      tag: segment.tag ?? null,
      version: segment.version,
      count: segment.memberCount,
      lastRefreshedAt: segment.lastRefreshedAt ?? null,
      stale: segment.kind === SegmentKind.DYNAMIC && segment.refreshedVersion !== segment.version,
      createdAt: segment.createdAt,
      updatedAt: segment.updatedAt,
    });
  }
}

export const SegmentConnection = connectionOf(SegmentNode, 'Segment', 'A page of segments, newest first.');
export type SegmentConnection = InstanceType<typeof SegmentConnection>;

export const SegmentMemberConnection = connectionOf(MemberNode, 'SegmentMember', 'A page of a segment’s members, in a stable order.');
export type SegmentMemberConnection = InstanceType<typeof SegmentMemberConnection>;

@ObjectType('SegmentVersion', { simpleResolvers: true, description: 'One definition of a segment, kept when it changed.' })
export class SegmentVersionNode {
  @Field(() => Int, { description: 'Version number.' })
  version!: number;

  @Field({ description: 'Name in this version.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Description in this version.' })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'Query in this version (DYNAMIC).' })
  query!: string | null;

  @Field(() => String, { nullable: true, description: 'Tag in this version.' })
  tag!: string | null;

  @Field({ description: 'Who saved it (an access key id).' })
  actor!: string;

  @Field({ description: 'When it was saved.' })
  createdAt!: Date;

  static from(version: SegmentVersion): SegmentVersionNode {
    return Object.assign(new SegmentVersionNode(), {
      version: version.version,
      name: version.name,
      description: version.description ?? null,
      query: version.query ?? null,
      tag: version.tag ?? null,
      actor: version.actor,
      createdAt: version.createdAt,
    });
  }
}

export const SegmentVersionConnection = connectionOf(SegmentVersionNode, 'SegmentVersion', 'A page of a segment’s versions, newest first.');
export type SegmentVersionConnection = InstanceType<typeof SegmentVersionConnection>;

@ObjectType('SegmentMovement', { simpleResolvers: true, description: 'A member entering or leaving a segment.' })
export class SegmentMovementNode {
  memberDbId!: string;

  @Field(() => SegmentMovementKind, { description: 'ENTERED or EXITED.' })
  kind!: SegmentMovementKind;

  @Field(() => SegmentMovementCause, { description: 'What moved the member.' })
  cause!: SegmentMovementCause;

  @Field(() => Int, { description: 'The segment version whose definition decided it.' })
  version!: number;

  @Field({ description: 'When it happened.' })
  occurredAt!: Date;

  static from(movement: SegmentMovement): SegmentMovementNode {
    return Object.assign(new SegmentMovementNode(), {
      memberDbId: movement.memberId,
      kind: movement.kind,
      cause: movement.cause,
      version: movement.version,
      occurredAt: movement.createdAt,
    });
  }
}

export const SegmentMovementConnection = connectionOf(SegmentMovementNode, 'SegmentMovement', 'A page of entries and exits, newest first.');
export type SegmentMovementConnection = InstanceType<typeof SegmentMovementConnection>;

@ObjectType('SegmentClause', { simpleResolvers: true, description: 'One condition of a segment query, evaluated for one member.' })
export class SegmentClauseNode {
  @Field({ description: 'The condition as written.' })
  clause!: string;

  @Field(() => Int, { description: 'Line where it starts.' })
  line!: number;

  @Field(() => Int, { description: 'Column where it starts.' })
  column!: number;

  @Field({ description: 'Whether the member meets it.' })
  met!: boolean;

  @Field(() => String, { nullable: true, description: 'The member’s value of the field (money in major units, dates as YYYY-MM-DD, sets comma-separated); null when missing.' })
  value!: string | null;
}

@ObjectType('SegmentExplanation', { simpleResolvers: true, description: 'Why a member is or is not in a segment.' })
export class SegmentExplanationNode {
  memberDbId!: string;

  @Field({ description: 'Whether the member meets the current definition now.' })
  matches!: boolean;

  @Field({ description: 'Whether the member is in the materialised membership (as of lastRefreshedAt).' })
  inSegment!: boolean;

  @Field(() => [SegmentClauseNode], { description: 'Every condition of the query with the member’s value; empty for STATIC segments.' })
  clauses!: SegmentClauseNode[];
}

@ObjectType('SegmentPreview', { simpleResolvers: true, description: 'A query evaluated now, nothing saved.' })
export class SegmentPreviewNode {
  @Field(() => Int, { nullable: true, description: 'Members the query matches; null when the query has errors.' })
  count!: number | null;

  sampleIds!: string[];

  @Field(() => [SegmentUserError], { description: 'Problems with the query; empty when it is valid.' })
  userErrors!: SegmentUserError[];
}

@ObjectType('SegmentQueryValidation', { simpleResolvers: true, description: 'Whether a query is valid, without running it.' })
export class SegmentQueryValidationNode {
  @Field({ description: 'True when the query has no problems.' })
  valid!: boolean;

  @Field(() => [String], { description: 'Fields and functions the query uses.' })
  fields!: string[];

  @Field(() => [SegmentUserError], { description: 'Problems, with line, column and a suggestion.' })
  userErrors!: SegmentUserError[];
}

@ObjectType('SegmentFilterArgument', { simpleResolvers: true, description: 'A named argument of a segment-language function.' })
export class SegmentFilterArgumentNode {
  @Field({ description: 'Name, written `name:`.' })
  name!: string;

  @Field({ description: 'DATE, STRING or ENUM.' })
  type!: string;

  @Field({ description: 'What it narrows.' })
  description!: string;

  @Field(() => [String], { nullable: true, description: 'Allowed values of an ENUM argument.' })
  enumValues!: string[] | null;
}

@ObjectType('SegmentFilter', { simpleResolvers: true, description: 'A field or function of the segment language, for editors with autocomplete.' })
export class SegmentFilterNode {
  @Field({ description: 'Name as written in queries, e.g. `net_spent` or `consent.sms`.' })
  name!: string;

  @Field({ description: 'NUMBER, MONEY, DATE, ANNIVERSARY, STRING, ENUM, SET or BOOLEAN.' })
  type!: string;

  @Field(() => [String], { description: 'Operators it takes (BOOLEAN functions may also stand alone).' })
  operators!: string[];

  @Field({ description: 'What it means.' })
  description!: string;

  @Field(() => [String], { description: 'Example conditions, each a valid query.' })
  examples!: string[];

  @Field(() => [String], { nullable: true, description: 'Allowed values of an ENUM (or SET of enum) field.' })
  enumValues!: string[] | null;

  @Field(() => [SegmentFilterArgumentNode], { nullable: true, description: 'Arguments of a function; null for plain fields.' })
  arguments!: SegmentFilterArgumentNode[] | null;
}
