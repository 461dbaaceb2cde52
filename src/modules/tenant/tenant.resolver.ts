import { Arg, Authorized, Ctx, Field, Float, Int, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS, WRITERS } from '../../core/auth/viewer.js';
import { payloadOf, toPayload } from '../../core/graphql/payload.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { Node } from '../../core/relay/node.js';
import { UnknownIdentityPolicy, type Tenant } from './tenant.entity.js';
import { TenantUpdateInput } from './tenant.inputs.js';
import { currentTenant, updateTenant } from './tenant-update.service.js';

registerEnumType(UnknownIdentityPolicy, {
  name: 'UnknownIdentityPolicy',
  description: 'What ingestion does with an identity no member has yet.',
  valuesConfig: { CREATE_MEMBER: { description: 'Create a member with it.' }, REJECT: { description: 'Reject the event or order.' } },
});

@ObjectType('Tenant', { implements: Node, simpleResolvers: true, description: 'The merchant or brand your access key belongs to.' })
export class TenantNode extends Node {
  @Field({ description: 'Name of the merchant or brand.' })
  name!: string;

  @Field({ description: 'ISO 3166 country used to read phone numbers given without a country code.' })
  countryCode!: string;

  @Field({ description: 'ISO 4217 currency the tenant reports in; orders must be in it.' })
  currency!: string;

  @Field(() => UnknownIdentityPolicy, { description: 'What ingestion does with an identity no member has yet.' })
  unknownIdentityPolicy!: UnknownIdentityPolicy;

  @Field(() => Int, { description: 'Days of orders RFM scores look at.' })
  rfmWindowDays!: number;

  @Field(() => Float, { description: 'A member is AT_RISK past this multiple of their expected days between orders.' })
  lifecycleAtRiskFactor!: number;

  @Field(() => Float, { description: 'A member is LAPSED past this multiple.' })
  lifecycleLapsedFactor!: number;

  @Field(() => Int, { description: 'Expected days between orders while there is no median.' })
  lifecycleDefaultIntervalDays!: number;

  @Field(() => Float, { nullable: true, description: 'Median over repeat buyers of their average days between orders, as of the last LIFECYCLE_REFRESH.' })
  lifecycleMedianIntervalDays!: number | null;

  @Field(() => Int, { description: 'Days ahead a churn score looks: the probability of no order within them.' })
  churnHorizonDays!: number;

  @Field(() => [Float], { description: 'Churn scores whose crossing is recorded and pushed, ascending.' })
  churnThresholds!: number[];

  @Field(() => Float, { description: 'Hysteresis margin: a DOWN crossing needs the score under threshold minus this.' })
  churnHysteresis!: number;

  @Field(() => Int, { description: 'Buyers needed before a BG/NBD model is fitted.' })
  churnModelMinBuyers!: number;

  @Field({ description: 'When the tenant was created.' })
  createdAt!: Date;

  static from(tenant: Tenant): TenantNode {
    return Object.assign(new TenantNode(), {
      id: toGlobalId('Tenant', tenant.id),
      name: tenant.name,
      countryCode: tenant.countryCode,
      currency: tenant.currency,
      unknownIdentityPolicy: tenant.unknownIdentityPolicy,
      rfmWindowDays: tenant.rfmWindowDays,
      lifecycleAtRiskFactor: tenant.lifecycleAtRiskFactor,
      lifecycleLapsedFactor: tenant.lifecycleLapsedFactor,
      lifecycleDefaultIntervalDays: tenant.lifecycleDefaultIntervalDays,
      lifecycleMedianIntervalDays: tenant.lifecycleMedianIntervalDays ?? null,
      churnHorizonDays: tenant.churnHorizonDays,
      churnThresholds: tenant.churnThresholds,
      churnHysteresis: tenant.churnHysteresis,
      churnModelMinBuyers: tenant.churnModelMinBuyers,
      createdAt: tenant.createdAt,
    });
  }
}

const TenantUpdatePayload = payloadOf('tenantUpdate', 'tenant', TenantNode, 'changed tenant');

@Resolver()
export class TenantResolver {
  @Authorized(READERS)
  @Query(() => TenantNode, { description: 'Your tenant.' })
  async tenant(@Ctx() ctx: GraphQLContext): Promise<TenantNode> {
    return TenantNode.from(await currentTenant(ctx));
  }

  @Authorized(WRITERS)
  @Mutation(() => TenantUpdatePayload, { description: "Changes your tenant's name and settings." })
  async tenantUpdate(@Arg('input') input: TenantUpdateInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('tenant', await updateTenant(ctx, input), TenantNode.from);
  }
}
