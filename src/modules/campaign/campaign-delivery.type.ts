import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Node } from '../../core/relay/node.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { connectionOf } from '../../core/relay/connection.js';
import { ConsentChannel } from '../member/member.enums.js';
import { DeliveryState, SuppressionReason } from './campaign.enums.js';
import type { CampaignDelivery, OutboxMessage } from './campaign.entity.js';

const globalOrNull = (type: string, id: string | null | undefined) => (id ? toGlobalId(type, id) : null);

@ObjectType('CampaignDelivery', { implements: Node, simpleResolvers: true, description: 'One message of a campaign to one member (or a control-group hold-out).' })
export class CampaignDeliveryNode extends Node {
  dbId!: string;
  memberDbId!: string;
  campaignDbId!: string;

  @Field({ description: 'Which run of the campaign: "-" for a one-off, the run time for a recurring one, the event for a trigger.' })
  occurrence!: string;

  @Field(() => ConsentChannel)
  channel!: ConsentChannel;

  @Field(() => String, { nullable: true, description: 'The A/B variant; null for the control group and for members not eligible.' })
  variant!: string | null;

  @Field(() => DeliveryState)
  state!: DeliveryState;

  @Field(() => SuppressionReason, { nullable: true, description: 'Why it was not sent (SUPPRESSED).' })
  reason!: SuppressionReason | null;

  @Field(() => Date, { description: 'When the member was planned in: attribution windows start here.' })
  plannedAt!: Date;

  @Field(() => Date, { nullable: true })
  sentAt!: Date | null;

  @Field(() => Int, { description: 'Gateway attempts so far.' })
  attempts!: number;

  @Field(() => Date, { nullable: true, description: 'QUEUED: the next retry; SENDING: when the current attempt’s lease ends.' })
  nextAttemptAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The last gateway error (status or network error; never message content).' })
  lastError!: string | null;

  @Field(() => ID, { nullable: true, description: 'The coupon issued with it.' })
  couponId!: string | null;

  @Field(() => Int, { description: 'Points credited with it.' })
  rewardPoints!: number;

  @Field(() => String, { nullable: true, description: 'LOTTERY: the prize drawn.' })
  prize!: string | null;

  @Field(() => Int, { description: 'What sending it cost, in minor units.' })
  cost!: number;

  static from(delivery: CampaignDelivery): CampaignDeliveryNode {
    return Object.assign(new CampaignDeliveryNode(), {
      id: toGlobalId('CampaignDelivery', delivery.id),
      dbId: delivery.id,
      memberDbId: delivery.memberId,
      campaignDbId: delivery.campaignId,
      occurrence: delivery.occurrence,
      channel: delivery.channel,
      variant: delivery.variant ?? null,
      state: delivery.state,
      reason: delivery.reason ?? null,
      plannedAt: delivery.createdAt,
      sentAt: delivery.sentAt ?? null,
      attempts: delivery.attempts,
      nextAttemptAt: delivery.nextAttemptAt ?? null,
      lastError: delivery.lastError ?? null,
      couponId: globalOrNull('Coupon', delivery.couponId),
      rewardPoints: delivery.rewardPoints,
      prize: delivery.prize ?? null,
      cost: delivery.cost,
    });
  }
}

@ObjectType('OutboxMessage', { simpleResolvers: true, description: 'A message the OUTBOX adapter stored instead of sending (development and tests).' })
export class OutboxMessageNode {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'The delivery.' })
  deliveryId!: string;

  @Field(() => ID, { description: 'The campaign.' })
  campaignId!: string;

  @Field(() => ID, { description: 'The member.' })
  memberId!: string;

  @Field(() => ConsentChannel)
  channel!: ConsentChannel;

  @Field({ description: 'Phone, e-mail, app user or chat id.' })
  recipient!: string;

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Field()
  body!: string;

  @Field(() => Date)
  createdAt!: Date;

  static from(message: OutboxMessage): OutboxMessageNode {
    return Object.assign(new OutboxMessageNode(), {
      id: toGlobalId('OutboxMessage', message.id),
      deliveryId: toGlobalId('CampaignDelivery', message.deliveryId),
      campaignId: toGlobalId('Campaign', message.campaignId),
      memberId: toGlobalId('Member', message.memberId),
      channel: message.channel,
      recipient: message.recipient,
      subject: message.subject ?? null,
      body: message.body,
      createdAt: message.createdAt,
    });
  }
}

export const CampaignDeliveryConnection = connectionOf(CampaignDeliveryNode, 'CampaignDelivery', 'A page of a campaign’s deliveries.');
export const OutboxMessageConnection = connectionOf(OutboxMessageNode, 'OutboxMessage', 'A page of outbox messages.');
