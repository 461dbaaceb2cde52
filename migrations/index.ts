import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123185518_Initial } from './Migration20261123185518_Initial.js';
import { Migration20261123191507_TouchpointsOrders } from './Migration20261123191507_TouchpointsOrders.js';
import { Migration20261123212216_LoyaltyPointsTiersCoupons } from './Migration20261123212216_LoyaltyPointsTiersCoupons.js';
import { Migration20261123230553_Rfm } from './Migration20261123230553_Rfm.js';
import { Migration20261123234415_SegmentsLifecycle } from './Migration20261123234415_SegmentsLifecycle.js';
import { Migration20261205184605_Churn } from './Migration20261205184605_Churn.js';
import { Migration20261205215910_Campaigns } from './Migration20261205215910_Campaigns.js';
import { Migration20261205231745_OrderPaidRecorded } from './Migration20261205231745_OrderPaidRecorded.js';

/** Every migration, in order. Add new ones at the end; never edit one that has landed. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261123185518_Initial', class: Migration20261123185518_Initial },
  { name: 'Migration20261123191507_TouchpointsOrders', class: Migration20261123191507_TouchpointsOrders },
  { name: 'Migration20261123212216_LoyaltyPointsTiersCoupons', class: Migration20261123212216_LoyaltyPointsTiersCoupons },
  { name: 'Migration20261123230553_Rfm', class: Migration20261123230553_Rfm },
  { name: 'Migration20261123234415_SegmentsLifecycle', class: Migration20261123234415_SegmentsLifecycle },
  { name: 'Migration20261205184605_Churn', class: Migration20261205184605_Churn },
  { name: 'Migration20261205215910_Campaigns', class: Migration20261205215910_Campaigns },
  { name: 'Migration20261205231745_OrderPaidRecorded', class: Migration20261205231745_OrderPaidRecorded },
];
