import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum CardCodeStatus {
  /** Signed by this tenant and not expired: the member is there. */
  VALID = 'VALID',
  /** Genuine but past its time: ask the member to refresh the card. */
  EXPIRED = 'EXPIRED',
  /** Not a code this tenant issued (tampered, another tenant's, or a card no member holds any more). */
  INVALID = 'INVALID',
}
registerEnumType(CardCodeStatus, {
  name: 'CardCodeStatus',
  description: 'What a scanned card code turned out to be.',
  valuesConfig: {
    VALID: { description: 'Signed by this tenant and not expired: the member is there.' },
    EXPIRED: { description: 'Genuine but past its time (e.g. a screenshot): ask the member to refresh the card.' },
    INVALID: { description: 'Not a code this tenant issued (tampered, another tenant’s, or a card no member holds any more).' },
  },
});

@ObjectType('MembershipCard', { description: 'The membership card a mobile app shows.' })
export class MembershipCardNode {
  memberDbId!: string;

  @Field({ description: 'The card number: stable, 16 digits with a Luhn check digit (or the physical card bound to the member). Masked for ANALYST keys.' })
  number!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A short-lived signed code for the barcode/QR a store scanner reads (`memberByCardCode`). Only for the member’s own token: it proves presence.',
  })
  barcodePayload!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the barcode stops working; refresh the card before then.' })
  barcodeExpiresAt!: Date | null;
}

@ObjectType('CardScan', { simpleResolvers: true, description: 'What a scanned membership card code says.' })
export class CardScanNode {
  memberDbId!: string | null;

  @Field(() => CardCodeStatus, { description: 'VALID, EXPIRED or INVALID; only a VALID code names its member.' })
  status!: CardCodeStatus;

  @Field(() => Date, { nullable: true, description: 'When the code expires (or expired); null for an invalid one.' })
  expiresAt!: Date | null;
}
