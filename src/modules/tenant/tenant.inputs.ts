import { Field, InputType, Int } from 'type-graphql';
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
}
