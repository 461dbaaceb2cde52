import { ArgsType, Field, Float, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../core/relay/connection.js';

@InputType({ description: 'One benefit of a tier, shown to members as it is written.' })
export class TierBenefitInput {
  @Field({ description: 'What the benefit is, 1 to 100 characters (e.g. "Free shipping").' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Details, up to 500 characters.' })
  description?: string | null;
}

@InputType({
  description:
    'A new tier. Members whose growth value already reaches it move up at once (reason PROGRAM_CHANGE); nobody moves down because of it.',
})
export class TierCreateInput {
  @Field({ description: 'Code unique within the tenant, also among retired tiers: 1 to 50 letters, digits, "-" or "_" (e.g. "GOLD").' })
  code!: string;

  @Field({ description: 'Name to show, 1 to 100 characters.' })
  name!: string;

  @Field(() => Float, {
    description:
      'Growth value needed, a whole number from 1 (minor units of net spend, or points earned, by the programme’s tierBasis). Members below the lowest tier have no tier. Unique among active tiers.',
  })
  threshold!: number;

  @Field(() => Int, { nullable: true, description: 'Earning multiplier of the tier in percent, 0 to 10000 (default 100 = 1x).' })
  earnMultiplierPercent?: number | null;

  @Field(() => Int, { nullable: true, description: 'Discount the tier entitles to, 0 to 100 percent (default 0); applied by the selling system.' })
  discountPercent?: number | null;

  @Field(() => [TierBenefitInput], { nullable: true, description: 'Benefits to show, at most 20 (default none).' })
  benefits?: TierBenefitInput[] | null;
}

@InputType({
  description:
    'Changes to an active tier; omitted fields stay. A moved threshold moves members up at once when their growth value now reaches the tier; members it no longer holds keep it until their review.',
})
export class TierUpdateInput {
  @Field(() => ID, { description: 'The tier.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New code (same rules as on creation).' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: 'New name.' })
  name?: string | null;

  @Field(() => Float, { nullable: true, description: 'New threshold, a whole number from 1, unique among active tiers.' })
  threshold?: number | null;

  @Field(() => Int, { nullable: true, description: 'New earning multiplier in percent (0 to 10000); applies to orders paid from now on.' })
  earnMultiplierPercent?: number | null;

  @Field(() => Int, { nullable: true, description: 'New discount in percent (0 to 100).' })
  discountPercent?: number | null;

  @Field(() => [TierBenefitInput], { nullable: true, description: 'New benefits, replacing all of them (an empty list clears them).' })
  benefits?: TierBenefitInput[] | null;
}

@InputType({ description: 'A tier to retire.' })
export class TierRetireInput {
  @Field(() => ID, { description: 'The tier.' })
  id!: string;
}

@ArgsType()
export class TiersArgs extends PageArgs {
  @Field(() => Boolean, { defaultValue: false, description: 'Include retired tiers (they keep their names for history).' })
  includeRetired!: boolean;
}
