import { Arg, Authorized, Ctx, Field, InputType, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { READERS, WRITERS } from '../../core/auth/viewer.js';
import { fail, ok, userError, UserErrorCode, type Outcome, type UserError } from '../../core/errors.js';
import { payloadOf, toPayload } from '../../core/graphql/payload.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { Node } from '../../core/relay/node.js';
import { requiredText } from '../../core/validation.js';
import { Tenant, UnknownIdentityPolicy } from './tenant.entity.js';
import { forgetTenantSettings } from './tenant-settings.js';

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

  @Field({ description: 'When the tenant was created.' })
  createdAt!: Date;

  static from(tenant: Tenant): TenantNode {
    return Object.assign(new TenantNode(), {
      id: toGlobalId('Tenant', tenant.id),
      name: tenant.name,
      countryCode: tenant.countryCode,
      currency: tenant.currency,
      unknownIdentityPolicy: tenant.unknownIdentityPolicy,
      createdAt: tenant.createdAt,
    });
  }
}

@InputType({ description: 'Changes to your tenant. Omitted fields stay.' })
class TenantUpdateInput {
  @Field(() => String, { nullable: true, description: 'New name, 1 to 200 characters.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166 country code, e.g. CN.' })
  countryCode?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency; only while the tenant has no orders.' })
  currency?: string | null;

  @Field(() => UnknownIdentityPolicy, { nullable: true, description: 'What ingestion does with unknown identities.' })
  unknownIdentityPolicy?: UnknownIdentityPolicy | null;
}

const TenantUpdatePayload = payloadOf('tenantUpdate', 'tenant', TenantNode, 'changed tenant');

async function updateTenant(ctx: GraphQLContext, input: TenantUpdateInput): Promise<Outcome<Tenant>> {
  const tenant = await ctx.em.findOneOrFail(Tenant, { id: tenantIdOf(ctx) });
  const errors: UserError[] = [];
  const name = input.name == null ? undefined : requiredText(errors, ['input', 'name'], input.name, 200);
  if (input.countryCode != null && !/^[A-Z]{2}$/.test(input.countryCode)) {
    errors.push(userError(['input', 'countryCode'], 'countryCode must be two capital letters (ISO 3166)', UserErrorCode.INVALID));
  }
  if (input.currency != null && !/^[A-Z]{3}$/.test(input.currency)) {
    errors.push(userError(['input', 'currency'], 'currency must be three capital letters (ISO 4217)', UserErrorCode.INVALID));
  } else if (input.currency != null && input.currency !== tenant.currency) {
    const [row] = await ctx.em.execute<{ n: string }[]>('select count(*) as n from orders where tenant_id = ?', [tenant.id]);
    if (Number(row?.n) > 0) errors.push(userError(['input', 'currency'], 'the currency cannot change once orders exist', UserErrorCode.CURRENCY_MISMATCH));
  }
  if (errors.length) return fail(...errors);
  if (name !== undefined) tenant.name = name;
  if (input.countryCode != null) tenant.countryCode = input.countryCode;
  if (input.currency != null) tenant.currency = input.currency;
  if (input.unknownIdentityPolicy != null) tenant.unknownIdentityPolicy = input.unknownIdentityPolicy;
  await ctx.em.flush();
  ctx.app.authenticator.forgetTenant(tenant.id);
  forgetTenantSettings(ctx);
  return ok(tenant);
}

@Resolver()
export class TenantResolver {
  @Authorized(READERS)
  @Query(() => TenantNode, { description: 'Your tenant.' })
  async tenant(@Ctx() ctx: GraphQLContext): Promise<TenantNode> {
    return TenantNode.from(await ctx.em.findOneOrFail(Tenant, { id: tenantIdOf(ctx) }));
  }

  @Authorized(WRITERS)
  @Mutation(() => TenantUpdatePayload, { description: "Changes your tenant's name and settings." })
  async tenantUpdate(@Arg('input') input: TenantUpdateInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('tenant', await updateTenant(ctx, input), TenantNode.from);
  }
}
