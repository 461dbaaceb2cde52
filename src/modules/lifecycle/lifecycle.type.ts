import { Field, Float, Int, ObjectType } from 'type-graphql';
import { connectionOf } from '../../core/relay/connection.js';
import type { LifecycleTransition } from './lifecycle.entity.js';
import { LifecycleCause, LifecycleStage } from './lifecycle.enums.js';

@ObjectType('MemberLifecycle', { simpleResolvers: true, description: 'Where a member stands in the purchase lifecycle, and when time alone would move them.' })
export class MemberLifecycleNode {
  @Field(() => LifecycleStage, { description: 'The stage now.' })
  stage!: LifecycleStage;

  @Field(() => Date, { nullable: true, description: 'When the member entered the stage; null for a PROSPECT who never bought.' })
  since!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Expected days between orders: the member’s own average from 3 orders, else the tenant median (or default).' })
  expectedIntervalDays!: number | null;

  @Field(() => Date, { nullable: true, description: 'When the member becomes AT_RISK (or LAPSED, if already AT_RISK) without another order; null when no time-driven move is ahead.' })
  nextMoveAt!: Date | null;
}

@ObjectType('LifecycleTransition', { simpleResolvers: true, description: 'A move from one lifecycle stage to another.' })
export class LifecycleTransitionNode {
  @Field(() => LifecycleStage, { description: 'Stage before.' })
  from!: LifecycleStage;

  @Field(() => LifecycleStage, { description: 'Stage after.' })
  to!: LifecycleStage;

  @Field(() => LifecycleCause, { description: 'What moved the member.' })
  cause!: LifecycleCause;

  @Field({ description: 'When the move took effect (for time-driven moves: the moment the threshold was crossed).' })
  occurredAt!: Date;

  @Field({ description: 'When it was recorded.' })
  recordedAt!: Date;

  static from(transition: LifecycleTransition): LifecycleTransitionNode {
    return Object.assign(new LifecycleTransitionNode(), {
      from: transition.fromStage,
      to: transition.toStage,
      cause: transition.cause,
      occurredAt: transition.occurredAt,
      recordedAt: transition.createdAt,
    });
  }
}

export const LifecycleTransitionConnection = connectionOf(LifecycleTransitionNode, 'LifecycleTransition', 'A page of lifecycle transitions, newest first.');
export type LifecycleTransitionConnection = InstanceType<typeof LifecycleTransitionConnection>;

@ObjectType('LifecycleTransitionCount', { simpleResolvers: true, description: 'Transitions between two stages by one cause.' })
export class LifecycleTransitionCountNode {
  @Field(() => LifecycleStage)
  from!: LifecycleStage;

  @Field(() => LifecycleStage)
  to!: LifecycleStage;

  @Field(() => LifecycleCause)
  cause!: LifecycleCause;

  @Field(() => Int, { description: 'How many.' })
  count!: number;
}

@ObjectType('LifecycleTransitionCounts', { simpleResolvers: true, description: 'Lifecycle transitions that took effect in a period, for BI.' })
export class LifecycleTransitionCountsNode {
  @Field(() => Int, { description: 'All matching transitions.' })
  total!: number;

  @Field(() => [LifecycleTransitionCountNode], { description: 'Per from, to and cause, largest first.' })
  breakdown!: LifecycleTransitionCountNode[];
}

@ObjectType('LifecycleStageCount', { simpleResolvers: true, description: 'Active members in one lifecycle stage.' })
export class LifecycleStageCountNode {
  @Field(() => LifecycleStage)
  stage!: LifecycleStage;

  @Field(() => Int, { description: 'Members in it now.' })
  members!: number;
}
