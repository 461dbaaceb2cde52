import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../core/relay/node.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { connectionOf } from '../../core/relay/connection.js';
import { Channel } from '../../core/channel.js';
import { DateScalar, JSONScalar } from '../../core/graphql/scalars.js';
import { masksPersonalData, type Viewer } from '../../core/auth/viewer.js';
import { ConsentChannel, Gender, IdentityChannel, MemberStatus } from './member.enums.js';
import type { Member } from './member.entity.js';
import type { MemberIdentity } from './member-identity.entity.js';
import type { ConsentDecision } from './member-consent.entity.js';

type ConsentFields = Pick<ConsentDecision, 'channel' | 'granted' | 'source'>;
import type { MemberMerge } from './member-merge.entity.js';
import { MASKED, maskCardNumber, maskEmail, maskPhone } from './member.masking.js';

registerEnumType(Gender, { name: 'Gender', description: 'Gender as the member gave it.' });
registerEnumType(MemberStatus, {
  name: 'MemberStatus',
  description: 'Lifecycle of a member record.',
  valuesConfig: {
    ACTIVE: { description: 'A live member record.' },
    MERGED: { description: 'Merged into another member; its id resolves to the survivor.' },
    ERASED: { description: 'Personal data erased on request; kept as a tombstone for aggregates.' },
  },
});
registerEnumType(IdentityChannel, { name: 'IdentityChannel', description: 'Where an external identity comes from.' });
registerEnumType(ConsentChannel, { name: 'ConsentChannel', description: 'Outbound channels that need consent.' });

/** Identity channels whose external ids are personal data. */
// A membership card number is a bearer credential at some tills: masked like contact details.
const PERSONAL_IDENTITIES = new Set([IdentityChannel.PHONE, IdentityChannel.EMAIL, IdentityChannel.MEMBER_CARD]);

@ObjectType('MemberIdentity', { simpleResolvers: true, description: 'An external account bound to a member.' })
export class MemberIdentityNode {
  @Field(() => IdentityChannel, { description: 'Where the account lives.' })
  channel!: IdentityChannel;

  @Field({ description: 'The account id on that channel (masked for ANALYST keys when it is a phone, an e-mail or a membership card).' })
  externalId!: string;

  @Field({ description: 'When it was bound.' })
  boundAt!: Date;

  static from(identity: Pick<MemberIdentity, 'channel' | 'externalId' | 'createdAt'>, viewer: Viewer): MemberIdentityNode {
    let externalId = identity.externalId;
    if (masksPersonalData(viewer) && PERSONAL_IDENTITIES.has(identity.channel)) {
      externalId =
        identity.channel === IdentityChannel.PHONE ? maskPhone(externalId) : identity.channel === IdentityChannel.EMAIL ? maskEmail(externalId) : maskCardNumber(externalId);
    }
    return Object.assign(new MemberIdentityNode(), { channel: identity.channel, externalId, boundAt: identity.createdAt });
  }
}

@ObjectType('MemberConsent', { simpleResolvers: true, description: 'Current consent of a member for one outbound channel.' })
export class MemberConsentNode {
  @Field(() => ConsentChannel, { description: 'The channel.' })
  channel!: ConsentChannel;

  @Field({ description: 'Whether messages may be sent on this channel.' })
  granted!: boolean;

  @Field({ description: 'Where the consent was given or withdrawn (e.g. "checkout", "store-counter", "unsubscribe-link").' })
  source!: string;

  @Field({ description: 'When it was given or withdrawn.' })
  changedAt!: Date;

  static from(consent: ConsentFields & ({ changedAt: Date } | { occurredAt: Date })): MemberConsentNode {
    const changedAt = 'changedAt' in consent ? consent.changedAt : consent.occurredAt;
    return Object.assign(new MemberConsentNode(), { channel: consent.channel, granted: consent.granted, source: consent.source, changedAt });
  }
}

@ObjectType('MemberMerge', { simpleResolvers: true, description: 'A record of another member merged into this one.' })
export class MemberMergeNode {
  @Field(() => ID, { description: 'Id the merged record had; it now resolves to the survivor.' })
  mergedMemberId!: string;

  @Field({ description: 'When the merge happened.' })
  mergedAt!: Date;

  @Field({ description: 'Who asked for it, e.g. "key:<access key id>".' })
  actor!: string;

  @Field(() => JSONScalar, { description: 'How many rows of each kind moved, e.g. { "identities": 2, "tags": 1 }.' })
  moved!: Record<string, number>;

  static from(merge: Pick<MemberMerge, 'mergedId' | 'createdAt' | 'actor' | 'moved'>): MemberMergeNode {
    return Object.assign(new MemberMergeNode(), {
      mergedMemberId: toGlobalId('Member', merge.mergedId),
      mergedAt: merge.createdAt,
      actor: merge.actor,
      moved: merge.moved,
    });
  }
}

@ObjectType('Member', { simpleResolvers: true, implements: Node, description: 'One customer, known across every channel.' })
export class MemberNode extends Node {
  /** Database id, for field resolvers. */
  dbId!: string;
  registeredStoreId!: string | null;

  @Field(() => String, { nullable: true, description: 'Name to show.' })
  displayName!: string | null;

  @Field(() => Gender, { description: 'Gender as given; UNKNOWN when not given.' })
  gender!: Gender;

  @Field(() => DateScalar, { nullable: true, description: 'Birthday; null when unknown, and for ANALYST keys.' })
  birthday!: string | null;

  @Field(() => String, { nullable: true, description: 'Phone in E.164 (masked for ANALYST keys).' })
  phone!: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail, lower-cased (masked for ANALYST keys).' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'Province or state.' })
  province!: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  city!: string | null;

  @Field(() => String, { nullable: true, description: 'Postal address (masked for ANALYST keys).' })
  address!: string | null;

  @Field(() => Channel, { nullable: true, description: 'Channel the member registered through.' })
  registeredChannel!: Channel | null;

  @Field(() => MemberStatus, { description: 'ACTIVE, or ERASED for a tombstone.' })
  status!: MemberStatus;

  @Field({ description: 'When the member was created.' })
  createdAt!: Date;

  @Field({ description: 'When the member record last changed.' })
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When personal data was erased, for tombstones.' })
  erasedAt!: Date | null;

  static from(member: Member, viewer: Viewer): MemberNode {
    const mask = masksPersonalData(viewer);
    return Object.assign(new MemberNode(), {
      id: toGlobalId('Member', member.id),
      dbId: member.id,
      registeredStoreId: member.registeredStoreId ?? null,
      displayName: member.displayName ?? null,
      gender: member.gender,
      birthday: mask ? null : (member.birthday ?? null),
      phone: member.phone ? (mask ? maskPhone(member.phone) : member.phone) : null,
      email: member.email ? (mask ? maskEmail(member.email) : member.email) : null,
      province: member.province ?? null,
      city: member.city ?? null,
      address: member.address ? (mask ? MASKED : member.address) : null,
      registeredChannel: member.registeredChannel ?? null,
      status: member.status,
      createdAt: member.createdAt,
      updatedAt: member.updatedAt,
      erasedAt: member.erasedAt ?? null,
    });
  }
}

export const MemberConnection = connectionOf(MemberNode, 'Member', 'A page of members.');
export type MemberConnection = InstanceType<typeof MemberConnection>;

export const MemberConsentConnection = connectionOf(MemberConsentNode, 'MemberConsentHistory', 'A page of consent changes, newest first.');
export type MemberConsentConnection = InstanceType<typeof MemberConsentConnection>;
