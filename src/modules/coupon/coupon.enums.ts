import { registerEnumType } from 'type-graphql';

/** What a coupon takes off. */
export enum CouponKind {
  AMOUNT_OFF = 'AMOUNT_OFF',
  PERCENT_OFF = 'PERCENT_OFF',
  FREE_SHIPPING = 'FREE_SHIPPING',
}

/** Where a coupon stands. EXPIRED is derived from its validity when read. */
export enum CouponStatus {
  /** Issued and neither redeemed, withdrawn nor past its end (it may not be valid yet: see validFrom). */
  AVAILABLE = 'AVAILABLE',
  REDEEMED = 'REDEEMED',
  EXPIRED = 'EXPIRED',
  /** Withdrawn by an administrator. */
  VOID = 'VOID',
}

/** How a coupon reached the member. */
export enum CouponSource {
  ADMIN = 'ADMIN',
  POINTS = 'POINTS',
  CAMPAIGN = 'CAMPAIGN',
}

registerEnumType(CouponKind, { name: 'CouponKind', description: 'What a coupon takes off.' });
registerEnumType(CouponStatus, {
  name: 'CouponStatus',
  description: 'Where a coupon stands.',
  valuesConfig: {
    AVAILABLE: { description: 'Issued and neither redeemed, withdrawn nor past its end (it may not be valid yet: see validFrom).' },
    REDEEMED: { description: 'Used on an order.' },
    EXPIRED: { description: 'Past its end, unredeemed.' },
    VOID: { description: 'Withdrawn by an administrator, or because its member was erased.' },
  },
});
registerEnumType(CouponSource, { name: 'CouponSource', description: 'How a coupon reached the member.' });
