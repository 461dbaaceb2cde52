import { registerEnumType } from 'type-graphql';

/** What a ledger entry did to a points account. */
export enum PointsEntryKind {
  /** Points earned: on a paid order, or granted for an activity. */
  EARN = 'EARN',
  /** Points spent on a reward, a coupon or money off an order. */
  REDEEM = 'REDEEM',
  /** Earned points that reached their expiry date unspent. */
  EXPIRE = 'EXPIRE',
  /** A manual correction by an administrator, with a reason. */
  ADJUST = 'ADJUST',
  /** Points taken back because the order that earned them was refunded. */
  REVERSE = 'REVERSE',
}

/** When earned points expire. */
export enum PointsExpiryPolicy {
  NEVER = 'NEVER',
  /** On 31 December of the year after the points were earned. */
  END_OF_YEAR_AFTER = 'END_OF_YEAR_AFTER',
  /** A number of months after the points were earned (`expiryMonths`). */
  MONTHS_AFTER = 'MONTHS_AFTER',
}

/** What happens when a refund takes back points the member already spent. */
export enum PointsShortfallPolicy {
  /** The balance stays at zero and the rest is recorded as debt, repaid first from future earnings. */
  DEBT = 'DEBT',
  /** The balance goes below zero; future earnings bring it back up. */
  NEGATIVE_BALANCE = 'NEGATIVE_BALANCE',
}

/** What points are redeemed for. */
export enum PointsRedemptionPurpose {
  /** A reward outside the system (a gift, a service); name it in `reward`. */
  REWARD = 'REWARD',
  /** A coupon from a template that has a points cost; the coupon is issued in the same transaction. */
  COUPON = 'COUPON',
  /** Money off an order, at the programme's redemption rate. */
  ORDER_DISCOUNT = 'ORDER_DISCOUNT',
}

registerEnumType(PointsEntryKind, { name: 'PointsEntryKind', description: 'What a ledger entry did to a points account.' });
registerEnumType(PointsExpiryPolicy, { name: 'PointsExpiryPolicy', description: 'When earned points expire.' });
registerEnumType(PointsShortfallPolicy, { name: 'PointsShortfallPolicy', description: 'What happens when a refund takes back points the member already spent.' });
registerEnumType(PointsRedemptionPurpose, { name: 'PointsRedemptionPurpose', description: 'What points are redeemed for.' });
