import { ArgsType, Field, ID, InputType, registerEnumType } from 'type-graphql';
import { Channel } from '../../core/channel.js';
import { DateScalar } from '../../core/graphql/scalars.js';
import { PageArgs } from '../../core/relay/connection.js';
import { ConsentChannel, Gender, IdentityChannel, MemberStatus } from './member.enums.js';

@InputType({ description: 'An external account to bind.' })
export class MemberIdentityInput {
  @Field(() => IdentityChannel, { description: 'Where the account lives.' })
  channel!: IdentityChannel;

  @Field({ description: 'Account id on that channel, 1 to 200 characters. PHONE ids are normalised to E.164, EMAIL ids lower-cased.' })
  externalId!: string;
}

@InputType({ description: 'Profile fields of a member. Strings are trimmed; blank means none.' })
export class MemberProfileInput {
  @Field(() => String, { nullable: true, description: 'Name to show, up to 100 characters.' })
  displayName?: string | null;

  @Field(() => Gender, { nullable: true, description: 'Gender as given.' })
  gender?: Gender | null;

  @Field(() => DateScalar, { nullable: true, description: 'Birthday, between 1900-01-01 and today.' })
  birthday?: string | null;

  @Field(() => String, { nullable: true, description: "Phone; without a country code it is read in the tenant's country. Stored as E.164." })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail; stored lower-cased.' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Province or state, up to 100 characters.' })
  province?: string | null;

  @Field(() => String, { nullable: true, description: 'City, up to 100 characters.' })
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal address, up to 500 characters.' })
  address?: string | null;

  @Field(() => Channel, { nullable: true, description: 'Channel the member registered through.' })
  registeredChannel?: Channel | null;

  @Field(() => ID, { nullable: true, description: 'Store the member registered at.' })
  registeredStoreId?: string | null;
}

@InputType({ description: 'A new member.' })
export class MemberCreateInput extends MemberProfileInput {
  @Field(() => [String], { nullable: true, description: 'Manual tags.' })
  tags?: string[] | null;

  @Field(() => [MemberIdentityInput], { nullable: true, description: 'External accounts to bind; each must be free.' })
  identities?: MemberIdentityInput[] | null;
}

@InputType({ description: 'Changes to a member. Omitted fields stay; null clears.' })
export class MemberUpdateInput extends MemberProfileInput {
  @Field(() => ID, { description: 'The member to change.' })
  id!: string;
}

@InputType({ description: 'Tags to add to, or remove from, a member.' })
export class MemberTagsInput {
  @Field(() => ID, { description: 'The member.' })
  id!: string;

  @Field(() => [String], { description: 'Tags, 1 to 64 characters each, no commas; at most 100.' })
  tags!: string[];
}

@InputType({ description: 'An external account to bind to, or unbind from, a member.' })
export class MemberIdentityBindInput extends MemberIdentityInput {
  @Field(() => ID, { description: 'The member.' })
  memberId!: string;
}

@InputType({ description: 'A consent given or withdrawn.' })
export class MemberConsentSetInput {
  @Field(() => ID, { description: 'The member.' })
  memberId!: string;

  @Field(() => ConsentChannel, { description: 'The outbound channel.' })
  channel!: ConsentChannel;

  @Field({ description: 'true to grant, false to withdraw.' })
  granted!: boolean;

  @Field({ description: 'Where it happened, 1 to 100 characters (e.g. "checkout", "store-counter", "unsubscribe-link").' })
  source!: string;

  @Field(() => Date, { nullable: true, description: 'When it happened; now when omitted. A change older than the current state is kept in the history only.' })
  occurredAt?: Date | null;
}

@InputType({ description: 'Two member records found to be one person.' })
export class MemberMergeInput {
  @Field(() => ID, { description: 'The member that stays.' })
  survivorId!: string;

  @Field(() => ID, { description: 'The member merged into the survivor; its id resolves to the survivor afterwards.' })
  mergedId!: string;
}

@InputType({ description: 'A member whose personal data must be erased.' })
export class MemberEraseInput {
  @Field(() => ID, { description: 'The member.' })
  id!: string;
}

/** Sort orders of the members list. */
export enum MemberSortKey {
  CREATED_AT = 'CREATED_AT',
  UPDATED_AT = 'UPDATED_AT',
  ID = 'ID',
}
registerEnumType(MemberSortKey, { name: 'MemberSortKey', description: 'Sort orders of the members list.' });

@ArgsType()
export class MembersArgs extends PageArgs {
  @Field(() => String, {
    nullable: true,
    description:
      'Search. Words match name (contains), phone, e-mail or any identity (exact); ' +
      '`tag:VIP`, `phone:...`, `email:...`, `name:...`, `identity:...` and `identity:CHANNEL:...` narrow to one field. ' +
      'Quote values with spaces: `tag:"big spender"`. All terms must match.',
  })
  query?: string | null;

  @Field(() => MemberSortKey, { nullable: true, description: 'Sort order; CREATED_AT by default.' })
  sortKey?: MemberSortKey | null;

  @Field(() => Boolean, { nullable: true, description: 'Reverse the sort order (newest first for CREATED_AT).' })
  reverse?: boolean | null;

  @Field(() => [MemberStatus], { nullable: true, description: 'Statuses to list; ACTIVE only by default. Merged records are never listed.' })
  statuses?: MemberStatus[] | null;
}
