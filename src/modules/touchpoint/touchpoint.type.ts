import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Channel } from '../../core/channel.js';
import { JSONScalar } from '../../core/graphql/scalars.js';
import { connectionOf } from '../../core/relay/connection.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { Node } from '../../core/relay/node.js';
import { IngestRejectCode, IngestStatus, TouchpointType } from './touchpoint.enums.js';
import type { Touchpoint, TouchpointCustomType } from './touchpoint.entity.js';

/** What a touchpoint node is built from: an entity, or a row just inserted. */
export type TouchpointFields = Pick<
  Touchpoint,
  'id' | 'memberId' | 'storeId' | 'orderId' | 'deliveryId' | 'type' | 'customType' | 'channel' | 'occurredAt' | 'createdAt' | 'source' | 'properties' | 'eventId'
>;

registerEnumType(TouchpointType, { name: 'TouchpointType', description: 'What happened at a touchpoint; CUSTOM for tenant-declared types.' });
registerEnumType(IngestStatus, { name: 'IngestStatus', description: 'What became of one recorded event.' });
registerEnumType(IngestRejectCode, { name: 'IngestRejectCode', description: 'Why an event was rejected.' });

@ObjectType('Touchpoint', { implements: Node, simpleResolvers: true, description: 'Something a member did, or had done to them, on one channel.' })
export class TouchpointNode extends Node {
  memberDbId!: string;
  storeDbId!: string | null;
  orderDbId!: string | null;

  @Field(() => TouchpointType, { description: 'What happened.' })
  type!: TouchpointType;

  @Field(() => String, { nullable: true, description: 'The tenant-declared type, when type is CUSTOM.' })
  customType!: string | null;

  @Field(() => Channel, { description: 'Where it happened.' })
  channel!: Channel;

  @Field({ description: 'When it happened.' })
  occurredAt!: Date;

  @Field({ description: 'When it was recorded.' })
  recordedAt!: Date;

  @Field(() => String, { nullable: true, description: 'System that sent it.' })
  source!: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Free-form details.' })
  properties!: Record<string, unknown> | null;

  @Field({ description: "The sender's event id." })
  eventId!: string;

  @Field(() => ID, { nullable: true, description: 'The campaign delivery a MESSAGE_SENT, MESSAGE_OPENED or MESSAGE_CLICKED event is about.' })
  deliveryId!: string | null;

  static from(touchpoint: TouchpointFields): TouchpointNode {
    return Object.assign(new TouchpointNode(), {
      id: toGlobalId('Touchpoint', touchpoint.id),
      memberDbId: touchpoint.memberId,
      storeDbId: touchpoint.storeId ?? null,
      orderDbId: touchpoint.orderId ?? null,
      type: touchpoint.type,
      customType: touchpoint.customType ?? null,
      channel: touchpoint.channel,
      occurredAt: touchpoint.occurredAt,
      recordedAt: touchpoint.createdAt,
      source: touchpoint.source ?? null,
      properties: touchpoint.properties ?? null,
      eventId: touchpoint.eventId,
      deliveryId: touchpoint.deliveryId ? toGlobalId('CampaignDelivery', touchpoint.deliveryId) : null,
    });
  }
}

export const TouchpointConnection = connectionOf(TouchpointNode, 'Touchpoint', 'A page of touchpoints, newest first.');
export type TouchpointConnection = InstanceType<typeof TouchpointConnection>;

@ObjectType('TouchpointCount', { simpleResolvers: true, description: 'How many touchpoints of one type on one channel.' })
export class TouchpointCountNode {
  @Field(() => TouchpointType, { description: 'Type.' })
  type!: TouchpointType;

  @Field(() => String, { nullable: true, description: 'Custom type, for CUSTOM.' })
  customType!: string | null;

  @Field(() => Channel, { description: 'Channel.' })
  channel!: Channel;

  @Field(() => Int, { description: 'How many.' })
  count!: number;
}

@ObjectType('TouchpointCustomType', { simpleResolvers: true, description: 'A touchpoint type declared by your tenant.' })
export class TouchpointCustomTypeNode {
  @Field({ description: 'Name used as customType.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What it means.' })
  description!: string | null;

  @Field({ description: 'When it was declared.' })
  createdAt!: Date;

  static from(type: TouchpointCustomType): TouchpointCustomTypeNode {
    return Object.assign(new TouchpointCustomTypeNode(), { name: type.name, description: type.description ?? null, createdAt: type.createdAt });
  }
}

@ObjectType('TouchpointRecordResult', { simpleResolvers: true, description: 'The answer for one event, in the order sent.' })
export class TouchpointRecordResult {
  @Field(() => Int, { description: 'Position of the event in the input list.' })
  index!: number;

  @Field({ description: 'The event id as sent.' })
  eventId!: string;

  @Field(() => IngestStatus, { description: 'ACCEPTED, DUPLICATE or REJECTED.' })
  status!: IngestStatus;

  @Field(() => TouchpointNode, { nullable: true, description: 'The stored touchpoint (for DUPLICATE, the one stored before).' })
  touchpoint!: TouchpointNode | null;

  @Field(() => IngestRejectCode, { nullable: true, description: 'Why it was rejected.' })
  code!: IngestRejectCode | null;

  @Field(() => String, { nullable: true, description: 'Why it was rejected, for a person.' })
  reason!: string | null;
}
