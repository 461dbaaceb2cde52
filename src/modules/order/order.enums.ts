export enum OrderStatus {
  /** Placed, not paid yet. */
  PLACED = 'PLACED',
  PAID = 'PAID',
  PARTIALLY_REFUNDED = 'PARTIALLY_REFUNDED',
  REFUNDED = 'REFUNDED',
  /** Cancelled before payment. */
  CANCELLED = 'CANCELLED',
}

/** Statuses that count as a purchase in member stats. */
export const PURCHASE_STATUSES = [OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED];
