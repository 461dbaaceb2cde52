import { ArgsType, Field, Float, ID, Int } from 'type-graphql';
import { PageArgs } from '../../core/relay/connection.js';
import { CrossingDirection } from './churn.enums.js';

@ArgsType()
export class ChurnRiskCrossingsArgs extends PageArgs {
  @Field(() => Date, { nullable: true, description: 'Crossings at or after this time.' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Crossings before this time.' })
  until?: Date | null;

  @Field(() => Float, { nullable: true, description: 'Only crossings of this threshold.' })
  threshold?: number | null;

  @Field(() => CrossingDirection, { nullable: true, description: 'Only UP or only DOWN.' })
  direction?: CrossingDirection | null;

  @Field(() => ID, { nullable: true, description: 'Only this member’s crossings.' })
  memberId?: string | null;
}

@ArgsType()
export class ChurnRiskCrossedArgs {
  @Field(() => Float, { nullable: true, description: 'Only crossings of this threshold (one of tenant.churnThresholds).' })
  threshold?: number | null;

  @Field(() => CrossingDirection, { nullable: true, description: 'Only UP or only DOWN; both by default.' })
  direction?: CrossingDirection | null;

  @Field(() => ID, { nullable: true, description: 'Only members who are in this segment when the crossing is delivered.' })
  segmentId?: string | null;

  @Field(() => Int, { nullable: true, description: 'Only members whose net spend is at least this, in minor units of the tenant currency.' })
  minNetSpent?: number | null;

  @Field(() => String, { nullable: true, description: 'Resume: first deliver every crossing after this cursor (from a crossing’s `cursor`), then live ones; without it only crossings from now on.' })
  afterCursor?: string | null;
}

@ArgsType()
export class ChurnModelReportArgs {
  @Field({ description: 'Score as of this moment, from data before it only. asOf + horizonDays must lie in the past.' })
  asOf!: Date;

  @Field(() => Int, { nullable: true, description: 'Days after asOf in which an order counts as returning, 1 to 730; the tenant horizon by default.' })
  horizonDays?: number | null;
}
