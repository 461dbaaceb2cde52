import { Field, ID, Int, ObjectType } from 'type-graphql';
import { SuppressionCountNode } from './campaign.type.js';

@ObjectType('CampaignPreviewMessage', { simpleResolvers: true, description: 'A message as one member would get it.' })
export class CampaignPreviewMessageNode {
  @Field(() => ID)
  memberId!: string;

  @Field()
  variant!: string;

  @Field({ description: 'Phone, e-mail, app user or chat id.' })
  recipient!: string;

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Field({ description: 'The rendered message ({{coupon_code}} shows a sample code).' })
  body!: string;
}

@ObjectType('CampaignPreview', { simpleResolvers: true, description: 'What launching now would do, computed with the sending rules and rolled back.' })
export class CampaignPreviewNode {
  @Field(() => Int, { description: 'Members in the audience (include and exclude segments applied).' })
  audience!: number;

  @Field(() => Int, { description: 'Members who would get the message, after consent, address, repurchase-cycle and frequency-cap rules and the control group.' })
  sendable!: number;

  @Field(() => Int, { description: 'Eligible members held out as the control group.' })
  control!: number;

  @Field(() => [SuppressionCountNode], { description: 'Members left out, by reason (the control group included).' })
  suppressedBy!: SuppressionCountNode[];

  @Field({ description: 'Whether the offer counts as a deep discount.' })
  deepDiscount!: boolean;

  @Field(() => Int, { description: 'Estimated sending cost in minor units (sendable x the channel’s price).' })
  estimatedSendCost!: number;

  @Field(() => Int, { description: 'Estimated points credited (POINTS_BONUS offers).' })
  estimatedPoints!: number;

  @Field(() => [CampaignPreviewMessageNode], { description: 'Sample rendered messages.' })
  samples!: CampaignPreviewMessageNode[];
}

