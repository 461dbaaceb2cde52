import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../core/relay/node.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { connectionOf } from '../../core/relay/connection.js';
import { Store, StoreType } from './store.entity.js';

registerEnumType(StoreType, { name: 'StoreType', description: 'The kind of place a tenant sells.' });

@ObjectType('Store', { simpleResolvers: true, implements: Node, description: 'A place the tenant sells: a marketplace shop, web mall, app or offline store.' })
export class StoreNode extends Node {
  @Field({ description: 'Code unique within the tenant, chosen by the merchant (e.g. "tmall-flagship", "SH-001").' })
  code!: string;

  @Field({ description: 'Display name.' })
  name!: string;

  @Field(() => StoreType, { description: 'Kind of store.' })
  type!: StoreType;

  @Field(() => String, { nullable: true, description: 'Region the store serves or stands in.' })
  region!: string | null;

  @Field({ description: 'When the store was created.' })
  createdAt!: Date;

  @Field({ description: 'When the store was last changed.' })
  updatedAt!: Date;

  static from(store: Store): StoreNode {
    return Object.assign(new StoreNode(), {
      id: toGlobalId('Store', store.id),
      code: store.code,
      name: store.name,
      type: store.type,
      region: store.region ?? null,
      createdAt: store.createdAt,
      updatedAt: store.updatedAt,
    });
  }
}

export const StoreConnection = connectionOf(StoreNode, 'Store', 'A page of stores.');
export type StoreConnection = InstanceType<typeof StoreConnection>;
