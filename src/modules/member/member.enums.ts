export enum Gender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
  OTHER = 'OTHER',
  UNKNOWN = 'UNKNOWN',
}

export enum MemberStatus {
  ACTIVE = 'ACTIVE',
  /** Merged into another member; reads follow `mergedIntoId`. */
  MERGED = 'MERGED',
  /** Personal data erased on request; the row stays as a tombstone so aggregates stay consistent. */
  ERASED = 'ERASED',
}

/** Where an external identity comes from. */
export enum IdentityChannel {
  MARKETPLACE_NICK = 'MARKETPLACE_NICK',
  APP_USER = 'APP_USER',
  WEB_ACCOUNT = 'WEB_ACCOUNT',
  PHONE = 'PHONE',
  EMAIL = 'EMAIL',
  WECHAT_OPENID = 'WECHAT_OPENID',
  WECHAT_UNIONID = 'WECHAT_UNIONID',
  ALIPAY_USER = 'ALIPAY_USER',
  SOCIAL = 'SOCIAL',
  MEMBER_CARD = 'MEMBER_CARD',
}

/** Outbound channels that need the member's consent. */
export enum ConsentChannel {
  SMS = 'SMS',
  EMAIL = 'EMAIL',
  PUSH = 'PUSH',
  CHAT = 'CHAT',
}
