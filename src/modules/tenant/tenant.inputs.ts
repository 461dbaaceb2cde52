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
}
