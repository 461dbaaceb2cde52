/** What happened at a touchpoint. CUSTOM types are declared by the tenant (touchpointTypeCreate). */
export enum TouchpointType {
  PAGE_VIEW = 'PAGE_VIEW',
  PRODUCT_VIEW = 'PRODUCT_VIEW',
  SEARCH = 'SEARCH',
  FAVORITE = 'FAVORITE',
  CART_ADD = 'CART_ADD',
  INQUIRY = 'INQUIRY',
  ORDER_PLACED = 'ORDER_PLACED',
  ORDER_PAID = 'ORDER_PAID',
  ORDER_CANCELLED = 'ORDER_CANCELLED',
  REFUND = 'REFUND',
  COMPLAINT = 'COMPLAINT',
  REVIEW = 'REVIEW',
  PARCEL_DELIVERED = 'PARCEL_DELIVERED',
  MESSAGE_SENT = 'MESSAGE_SENT',
  MESSAGE_OPENED = 'MESSAGE_OPENED',
  MESSAGE_CLICKED = 'MESSAGE_CLICKED',
  STORE_VISIT = 'STORE_VISIT',
  CARD_BOUND = 'CARD_BOUND',
  CUSTOM = 'CUSTOM',
}

/** What became of one event sent to touchpointsRecord. */
export enum IngestStatus {
  /** Stored now. */
  ACCEPTED = 'ACCEPTED',
  /** An event with this event id was stored before; nothing was written, the stored one is returned. */
  DUPLICATE = 'DUPLICATE',
  /** Not stored; see code and reason. */
  REJECTED = 'REJECTED',
}

/** Why an event was rejected. */
export enum IngestRejectCode {
  INVALID = 'INVALID',
  UNKNOWN_MEMBER = 'UNKNOWN_MEMBER',
  UNKNOWN_IDENTITY = 'UNKNOWN_IDENTITY',
  MEMBER_ERASED = 'MEMBER_ERASED',
  UNKNOWN_STORE = 'UNKNOWN_STORE',
  UNKNOWN_TYPE = 'UNKNOWN_TYPE',
  PROPERTIES_TOO_LARGE = 'PROPERTIES_TOO_LARGE',
  /** deliveryId names no campaign delivery of this member. */
  UNKNOWN_DELIVERY = 'UNKNOWN_DELIVERY',
}
