import { registerEnumType } from 'type-graphql';

/** How a segment's members are decided. */
export enum SegmentKind {
  /** A query in the segment language; membership is recomputed from it. */
  DYNAMIC = 'DYNAMIC',
  /** An explicit list of members, added and removed by hand or imported. */
  STATIC = 'STATIC',
}

/** A member's move into or out of a segment. */
export enum SegmentMovementKind {
  ENTERED = 'ENTERED',
  EXITED = 'EXITED',
}

/** What moved a member into or out of a segment. */
export enum SegmentMovementCause {
  /** A refresh of a dynamic segment (scheduled or on demand). */
  REFRESH = 'REFRESH',
  /** Added to or removed from a static segment by hand. */
  MANUAL = 'MANUAL',
  /** Added to a static segment by an identity import. */
  IMPORT = 'IMPORT',
  /** The member was merged into another or erased. */
  MEMBER_GONE = 'MEMBER_GONE',
  /** The segment was deleted. */
  SEGMENT_DELETED = 'SEGMENT_DELETED',
}

registerEnumType(SegmentKind, { name: 'SegmentKind', description: 'How a segment decides its members.' });
registerEnumType(SegmentMovementKind, { name: 'SegmentMovementKind', description: 'Into or out of a segment.' });
registerEnumType(SegmentMovementCause, { name: 'SegmentMovementCause', description: 'What moved a member into or out of a segment.' });
