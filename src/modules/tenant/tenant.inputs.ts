import { Field, Float, InputType, Int } from 'type-graphql';
import { UnknownIdentityPolicy } from './tenant.entity.js';

@InputType({ description: 'Changes to your tenant. Omitted fields stay.' })
export class TenantUpdateInput {
  @Field(() => String, { nullable: true, description: 'New name, 1 to 200 characters.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166 country code, e.g. CN.' })
  countryCode?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency; only while the tenant has no orders.' })
  currency?: string | null;

  @Field(() => UnknownIdentityPolicy, { nullable: true, description: 'What ingestion does with unknown identities.' })
  unknownIdentityPolicy?: UnknownIdentityPolicy | null;

  @Field(() => Int, { nullable: true, description: 'Days of orders RFM scores look at, 30 to 1825 (default 365); applies at the next RFM_REFRESH.' })
  rfmWindowDays?: number | null;

  @Field(() => Float, { nullable: true, description: 'A member is AT_RISK past this multiple of their expected days between orders (default 1), 0.1 to 20; stages are recomputed at once.' })
  lifecycleAtRiskFactor?: number | null;

  @Field(() => Float, { nullable: true, description: '...and LAPSED past this multiple (default 2); must exceed the at-risk factor, at most 50.' })
  lifecycleLapsedFactor?: number | null;

  @Field(() => Int, { nullable: true, description: 'Expected days between orders while too few members repeat-buy for a median (default 90), 1 to 3650.' })
  lifecycleDefaultIntervalDays?: number | null;

  @Field(() => Int, { nullable: true, description: 'Days ahead a churn score looks (default 90), 7 to 730; applies at the next scoring.' })
  churnHorizonDays?: number | null;

  @Field(() => [Float], { nullable: true, description: 'Churn scores whose crossing is recorded and pushed (default [0.5, 0.7, 0.9]): 1 to 5 ascending values between 0 and 1. Members are placed against the new thresholds at once, without crossings.' })
  churnThresholds?: number[] | null;

  @Field(() => Float, { nullable: true, description: 'A member above a threshold falls below it (a DOWN crossing) only under threshold minus this margin (default 0.05), 0 to 0.2.' })
  churnHysteresis?: number | null;

  @Field(() => Int, { nullable: true, description: 'Buyers needed before CHURN_SCORE fits a BG/NBD model (default 200); below, the rhythm model scores. 20 to 10,000,000.' })
  churnModelMinBuyers?: number | null;
}
