import { registerEnumType } from 'type-graphql';

/** Where a member stands in the purchase lifecycle. */
export enum LifecycleStage {
  /** No order yet. */
  PROSPECT = 'PROSPECT',
  /** One order, and still within the expected repurchase time. */
  NEW = 'NEW',
  /** Repeat buyer within the expected repurchase time. */
  ACTIVE = 'ACTIVE',
  /** Past the expected repurchase time. */
  AT_RISK = 'AT_RISK',
  /** Far past the expected repurchase time. */
  LAPSED = 'LAPSED',
  /** Bought again after being AT_RISK or LAPSED, and not yet overdue again. */
  REACTIVATED = 'REACTIVATED',
}

/** What moved a member to another lifecycle stage. */
export enum LifecycleCause {
  /** An order was paid, cancelled or refunded. */
  ORDER = 'ORDER',
  /** Time passed the expected repurchase time (the scheduled job). */
  TIME = 'TIME',
  /** Another member was merged into this one. */
  MERGE = 'MERGE',
  /** The tenant changed the lifecycle thresholds. */
  SETTINGS = 'SETTINGS',
}

registerEnumType(LifecycleStage, { name: 'LifecycleStage', description: 'Where a member stands in the purchase lifecycle.' });
registerEnumType(LifecycleCause, { name: 'LifecycleCause', description: 'What moved a member to another lifecycle stage.' });
