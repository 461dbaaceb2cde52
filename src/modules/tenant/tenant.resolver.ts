import { Authorized, Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { READERS } from '../../core/auth/viewer.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { Node } from '../../core/relay/node.js';
import { Tenant } from './tenant.entity.js';

@ObjectType('Tenant', { simpleResolvers: true, implements: Node, description: 'The merchant or brand your access key belongs to.' })
export class TenantNode extends Node {
  @Field({ description: 'Name of the merchant or brand.' })
  name!: string;

  @Field({ description: 'ISO 3166 country used to read phone numbers given without a country code.' })
  countryCode!: string;

  @Field({ description: 'When the tenant was created.' })
  createdAt!: Date;
}

@Resolver()
export class TenantResolver {
  @Authorized(READERS)
  @Query(() => TenantNode, { description: 'Your tenant.' })
  async tenant(@Ctx() ctx: GraphQLContext): Promise<TenantNode> {
    const tenant = await ctx.em.findOneOrFail(Tenant, { id: tenantIdOf(ctx) });
    return Object.assign(new TenantNode(), {
      id: toGlobalId('Tenant', tenant.id),
      name: tenant.name,
      countryCode: tenant.countryCode,
      createdAt: tenant.createdAt,
    });
  }
}
