import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { Channel } from '../../core/channel.js';
import { JSONScalar } from '../../core/graphql/scalars.js';
import { PageArgs } from '../../core/relay/connection.js';
import { MemberRefInput } from '../member/member-reference.js';
import { TouchpointType } from './touchpoint.enums.js';

export const MAX_EVENTS_PER_CALL = 1000;
export const MAX_PROPERTIES_BYTES = 8 * 1024;

@InputType({ description: 'One event to record.' })
export class TouchpointEventInput {
  @Field({ description: 'Id chosen by the sender, unique per tenant (1 to 200 characters): sending it again never stores it twice.' })
  eventId!: string;

  @Field(() => MemberRefInput, { description: 'Who: a member id or an identity.' })
  member!: MemberRefInput;

  @Field(() => TouchpointType, { description: 'What happened.' })
  type!: TouchpointType;

  @Field(() => String, { nullable: true, description: 'With type CUSTOM: a type the tenant declared with touchpointTypeCreate.' })
  customType?: string | null;

  @Field(() => Channel, { description: 'Where it happened.' })
  channel!: Channel;

  @Field(() => Date, { description: 'When it happened (not more than 5 minutes in the future).' })
  occurredAt!: Date;

  @Field(() => ID, { nullable: true, description: 'The store, by id.' })
  storeId?: string | null;

  @Field(() => String, { nullable: true, description: 'The store, by its code (instead of storeId).' })
  storeCode?: string | null;

  @Field(() => String, { nullable: true, description: 'System that sent the event, up to 100 characters.' })
  source?: string | null;

  @Field(() => JSONScalar, { nullable: true, description: `Free-form details, at most ${MAX_PROPERTIES_BYTES} bytes as JSON.` })
  properties?: Record<string, unknown> | null;

  @Field(() => ID, { nullable: true, description: 'MESSAGE_OPENED and MESSAGE_CLICKED: the campaign delivery (of this member) that was opened or clicked; campaign reports count it.' })
  deliveryId?: string | null;
}

@InputType({ description: `Up to ${MAX_EVENTS_PER_CALL} events.` })
export class TouchpointsRecordInput {
  @Field(() => [TouchpointEventInput], { description: 'The events; each is answered on its own.' })
  events!: TouchpointEventInput[];
}

@InputType({ description: 'A touchpoint type of your own.' })
export class TouchpointTypeCreateInput {
  @Field({ description: 'Name: lower case letters, digits, ".", "_" or "-", starting with a letter; up to 64 characters.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What it means, up to 500 characters.' })
  description?: string | null;
}

@ArgsType()
export class TouchpointFilterArgs extends PageArgs {
  @Field(() => [TouchpointType], { nullable: true, description: 'Only these types.' })
  types?: TouchpointType[] | null;

  @Field(() => [String], { nullable: true, description: 'Only these custom types.' })
  customTypes?: string[] | null;

  @Field(() => [Channel], { nullable: true, description: 'Only these channels.' })
  channels?: Channel[] | null;

  @Field(() => Date, { nullable: true, description: 'Only from this time on (inclusive).' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only before this time (exclusive).' })
  until?: Date | null;
}

@ArgsType()
export class TouchpointCountArgs {
  @Field(() => Date, { nullable: true, description: 'From this time on (inclusive).' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Before this time (exclusive).' })
  until?: Date | null;
}
