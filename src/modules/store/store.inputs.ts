import { Field, ID, InputType } from 'type-graphql';
import { StoreType } from './store.entity.js';

@InputType({ description: 'A new store.' })
export class StoreCreateInput {
  @Field({ description: 'Code unique within the tenant: 1 to 64 letters, digits, "-", "_" or ".".' })
  code!: string;

  @Field({ description: 'Display name, 1 to 200 characters.' })
  name!: string;

  @Field(() => StoreType, { description: 'Kind of store.' })
  type!: StoreType;

  @Field(() => String, { nullable: true, description: 'Region, up to 200 characters.' })
  region?: string | null;
}

@InputType({ description: 'Changes to a store. Omitted fields stay as they are.' })
export class StoreUpdateInput {
  @Field(() => ID, { description: 'The store to change.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New display name.' })
  name?: string | null;

  @Field(() => StoreType, { nullable: true, description: 'New kind of store.' })
  type?: StoreType | null;

  @Field(() => String, { nullable: true, description: 'New region; null clears it.' })
  region?: string | null;
}
