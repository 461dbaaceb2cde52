import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Cursor } from '@mikro-orm/core';
import { connectionOf } from '../../core/relay/connection.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { ChurnBand, ChurnDriverName, ChurnModelKind, CrossingDirection } from './churn.enums.js';

@ObjectType('ChurnDriver', { simpleResolvers: true, description: 'One reason behind a churn score.' })
export class ChurnDriverNode {
  @Field(() => ChurnDriverName, { description: 'What it is.' })
  name!: ChurnDriverName;

  @Field(() => Float, { description: 'Its share of logit(score): positive raises the risk, negative lowers it; the drivers add up to logit(score).' })
  contribution!: number;
}

@ObjectType('ChurnRisk', { simpleResolvers: true, description: "A buyer's risk of not ordering again within the tenant's horizon (churnHorizonDays)." })
export class ChurnRiskNode {
  @Field(() => Float, { description: 'From 0 (will surely order again) to 1 (will surely not). BG/NBD: the probability of no order within the horizon, adjusted by the other drivers.' })
  score!: number;

  @Field(() => ChurnBand, { description: 'LOW below 0.5, MEDIUM to 0.7, HIGH from 0.7.' })
  band!: ChurnBand;

  @Field(() => [ChurnDriverNode], { description: 'Why: contributions in log-odds, largest effect first.' })
  drivers!: ChurnDriverNode[];

  @Field(() => Date, { nullable: true, description: 'RHYTHM: the last order plus the expected interval. BG/NBD: the median time to the next order if the buyer is still active; null beyond five years.' })
  expectedNextOrderAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'BG/NBD only: expected orders (purchase days) within the horizon.' })
  expectedOrders!: number | null;

  @Field(() => ChurnModelKind, { description: 'The model that scored.' })
  model!: ChurnModelKind;

  @Field({ description: 'When it was computed (on every order and touchpoint, and daily by CHURN_SCORE).' })
  scoredAt!: Date;
}

@ObjectType('ChurnModelParameters', { simpleResolvers: true, description: 'BG/NBD parameters: purchase rates are gamma(r, alpha) per time unit; drop-out after a purchase is beta(a, b).' })
export class ChurnModelParametersNode {
  @Field(() => Float)
  r!: number;

  @Field(() => Float)
  alpha!: number;

  @Field(() => Float)
  a!: number;

  @Field(() => Float)
  b!: number;
}

@ObjectType('ChurnModel', { simpleResolvers: true, description: 'The model that scores churn risk, and how it was fitted.' })
export class ChurnModelNode {
  @Field(() => ChurnModelKind, { description: 'BG_NBD once the tenant has enough buyers (churnModelMinBuyers), else RHYTHM.' })
  kind!: ChurnModelKind;

  @Field(() => ChurnModelParametersNode, { nullable: true, description: 'BG/NBD parameters; null for RHYTHM.' })
  parameters!: ChurnModelParametersNode | null;

  @Field({ description: 'The unit of r/alpha and of the times it was fitted on: WEEK.' })
  timeUnit!: string;

  @Field(() => Float, { nullable: true, description: 'Maximised log-likelihood; null for RHYTHM.' })
  logLikelihood!: number | null;

  @Field(() => Int, { description: 'Buyers with orders before asOf. Above 50,000 the fit uses a fixed sample of about 50,000 of them (logLikelihood is over the sample).' })
  buyers!: number;

  @Field({ description: 'Orders before this moment were used.' })
  asOf!: Date;

  @Field({ description: 'When it was fitted.' })
  fittedAt!: Date;
}

@ObjectType('ChurnCalibrationFigures', { simpleResolvers: true, description: 'How well a ranking separates buyers who did not order within the horizon from those who did.' })
export class ChurnCalibrationFiguresNode {
  @Field(() => Float, { nullable: true, description: 'Area under the ROC curve: the chance a random non-returner ranks above a random returner (0.5 = guessing); null when all or none returned.' })
  auc!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of non-returners among the top-scored tenth, divided by the share among all buyers.' })
  topDecileLift!: number | null;
}

@ObjectType('ChurnModelReport', { simpleResolvers: true, description: 'Scores as of a past date, from data before it only, checked against what buyers then did.' })
export class ChurnModelReportNode {
  @Field({ description: 'The scoring date.' })
  asOf!: Date;

  @Field(() => Int, { description: 'Days after asOf in which an order counts as returning.' })
  horizonDays!: number;

  @Field(() => ChurnModelNode, { description: 'The model fitted on data before asOf.' })
  model!: ChurnModelNode;

  @Field(() => Int, { description: 'Buyers scored (with orders before asOf).' })
  buyers!: number;

  @Field(() => Int, { description: 'Of them, how many did not order within the horizon.' })
  churned!: number;

  @Field(() => Float, { description: 'churned / buyers.' })
  churnRate!: number;

  @Field(() => ChurnCalibrationFiguresNode, { description: 'The churn score.' })
  score!: ChurnCalibrationFiguresNode;

  @Field(() => ChurnCalibrationFiguresNode, { description: 'The baseline a model must beat: days since the last order.' })
  recency!: ChurnCalibrationFiguresNode;
}

/** A recorded crossing, as the subscription and churnRiskCrossings deliver it. */
export interface CrossingRow {
  id: string;
  tenantId: string;
  memberId: string;
  threshold: number;
  direction: CrossingDirection;
  previousScore: number;
  score: number;
  occurredAt: Date;
  seq: string;
}

export const crossingCursor = (seq: string) => Cursor.encode([seq]);

@ObjectType('ChurnRiskCrossing', { simpleResolvers: true, description: 'A member’s churn score crossing one of the tenant’s thresholds.' })
export class ChurnRiskCrossingNode {
  memberDbId!: string;

  @Field(() => ID, { description: 'Global id.' })
  id!: string;

  @Field({ description: 'Position in the tenant’s stream of crossings: pass it as `afterCursor` (subscription) or `after` (churnRiskCrossings) to continue after it.' })
  cursor!: string;

  @Field(() => Float, { description: 'The threshold crossed.' })
  threshold!: number;

  @Field(() => CrossingDirection, { description: 'UP: rose to or above it. DOWN: fell below it minus the hysteresis margin.' })
  direction!: CrossingDirection;

  @Field(() => Float, { description: 'Score before.' })
  previousScore!: number;

  @Field(() => Float, { description: 'Score after.' })
  score!: number;

  @Field({ description: 'When it was scored.' })
  occurredAt!: Date;

  static from(row: CrossingRow): ChurnRiskCrossingNode {
    return Object.assign(new ChurnRiskCrossingNode(), {
      memberDbId: row.memberId,
      id: toGlobalId('ChurnRiskCrossing', row.id),
      cursor: crossingCursor(row.seq),
      threshold: row.threshold,
      direction: row.direction,
      previousScore: row.previousScore,
      score: row.score,
      occurredAt: row.occurredAt,
    });
  }
}

export const ChurnRiskCrossingConnection = connectionOf(ChurnRiskCrossingNode, 'ChurnRiskCrossing', 'A page of churn threshold crossings, oldest first (the order they were committed in).');
export type ChurnRiskCrossingConnection = InstanceType<typeof ChurnRiskCrossingConnection>;
